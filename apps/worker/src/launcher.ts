// fleet-hostd launcher, run over SSH (or by the CLI for the local fleet) as
// `<node> <release>/launcher.js` with a LaunchRequest as JSON on stdin (host-contract). Secrets
// arrive in `env` through stdin only (never argv), so they end up in the daemon's environment
// and nowhere else. Under the launch lock:
// - a live daemon named in the pid file means "already running <pid>", unless `replace` asks
//   for a restart: then the new daemon starts waiting, the old one is told to drain (SIGTERM:
//   its running tasks finish) and the new one takes over when it has exited ("replacing");
// - otherwise it spawns `<node> <release>/hostd.js ...args` in a new session (setsid), with
//   output to <home>/logs/hostd.log, and prints "started <pid>".
// Either way it writes the pid file and the start record (hostd.json: the environment's
// fingerprint, never its values) and exits: the daemon outlives the SSH session.
// Node builtins and the host contract only: this file runs before anything else exists.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DAEMON_ENV, defaultHome, fingerprintEnv, formatLaunchOutcome, homeLayout, isHostdProcess, parseLaunchRequest, readPidFile, withLock,
  writePidFile, writeStartRecord, type HomeLayout, type LaunchOutcome, type LaunchRequest,
} from '@agentfleet/host-contract';

const LOG_ROTATE_BYTES = 50 * 1024 * 1024;

class LaunchError extends Error {}

function readStdin(): Promise<string> {
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => res(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', rej);
  });
}

function openLog(layout: HomeLayout): number {
  mkdirSync(layout.logs, { recursive: true, mode: 0o700 });
  try {
    if (statSync(layout.hostdLog).size > LOG_ROTATE_BYTES) renameSync(layout.hostdLog, `${layout.hostdLog}.1`);
  } catch {
    // no log yet
  }
  return openSync(layout.hostdLog, 'a', 0o600);
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

interface Launch {
  req: LaunchRequest;
  env: Record<string, string | undefined>;
  layout: HomeLayout;
  releaseDir: string;
  nodePath: string;
}

/** Spawns hostd detached; a daemon that dies at once (bad config, no Redis URL) is reported, not hidden. */
async function spawnDaemon(l: Launch, replaces: number | undefined): Promise<number> {
  const logFd = openLog(l.layout);
  const env = { ...l.env, [DAEMON_ENV.replaces]: replaces === undefined ? undefined : String(replaces) };
  const child: ChildProcess = spawn(l.nodePath, [join(l.releaseDir, 'hostd.js'), ...(l.req.args ?? [])], { detached: true, stdio: ['ignore', logFd, logFd], env, cwd: l.layout.home });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((r) => child.once('error', r));
    throw new LaunchError(`cannot spawn ${l.nodePath}: ${err.message}`);
  }
  writePidFile(l.layout.pidFile, pid);
  const early = await Promise.race([
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal }))),
    sleep(l.req.graceMs ?? 500).then(() => undefined),
  ]);
  if (early) {
    if (readPidFile(l.layout.pidFile) === pid) {
      if (replaces !== undefined) writePidFile(l.layout.pidFile, replaces);
      else unlinkSync(l.layout.pidFile);
    }
    throw new LaunchError(`hostd exited at once (${early.signal ?? `code ${early.code}`}); last lines of ${l.layout.hostdLog}:\n${tail(l.layout.hostdLog, 20)}`);
  }
  child.unref();
  return pid;
}

async function launch(l: Launch): Promise<LaunchOutcome> {
  const existing = readPidFile(l.layout.pidFile);
  const live = existing !== undefined && isHostdProcess(existing) ? existing : undefined;
  if (live !== undefined && !l.req.replace) return { kind: 'running', pid: live };
  const pid = await spawnDaemon(l, live);
  // Only once the new daemon is known to start is the old one asked to drain.
  if (live !== undefined) process.kill(live, 'SIGTERM');
  writeStartRecord(l.layout.startRecord, { pid, startedAt: new Date().toISOString(), releaseDir: l.releaseDir, nodePath: l.nodePath, env: fingerprintEnv(l.req.env ?? {}) });
  return live === undefined ? { kind: 'started', pid } : { kind: 'replacing', pid, replaces: live };
}

async function main(): Promise<void> {
  const req = parseLaunchRequest(await readStdin());
  const env: Record<string, string | undefined> = { ...process.env, ...(req.env ?? {}) };
  const home = resolve(defaultHome(env));
  const releaseDir = req.releaseDir ?? dirname(resolve(process.argv[1] ?? '.'));
  const nodePath = req.nodePath ?? process.execPath;
  if (!isAbsolute(nodePath)) throw new LaunchError(`node path '${nodePath}' is not absolute`);
  if (!existsSync(join(releaseDir, 'hostd.js'))) throw new LaunchError(`${join(releaseDir, 'hostd.js')} does not exist (deploy the release first)`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  env[DAEMON_ENV.home] = home;
  env[DAEMON_ENV.releaseDir] = releaseDir;
  const layout = homeLayout(home);
  const busyError = () => new LaunchError(`another launcher holds ${layout.launchLock}`);
  const outcome = await withLock(layout.launchLock, { waitMs: 20_000, purpose: 'launcher', busyError }, () => launch({ req, env, layout, releaseDir, nodePath }));
  process.stdout.write(`${formatLaunchOutcome(outcome)}\n`);
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`launcher: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
