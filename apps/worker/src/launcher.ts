// fleet-hostd launcher, run over SSH as `<node> <release>/launcher.js` with a JSON payload on
// stdin: { env, args, releaseDir?, nodePath?, graceMs? }. Secrets arrive in `env` through stdin
// only (never argv), so they end up in the daemon's environment and nowhere else.
// Idempotent: a live daemon named in the pid file means "already running <pid>".
// Otherwise it spawns `<node> <release>/hostd.js ...args` in a new session (setsid), with output
// to <home>/logs/hostd.log, writes <home>/hostd.pid, prints "started <pid>" and exits: the daemon
// outlives the SSH session. Only node: builtins here: this file runs before anything else exists.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

interface Payload {
  env?: Record<string, string>;
  args?: string[];
  releaseDir?: string;
  nodePath?: string;
  graceMs?: number;
}

const LOG_ROTATE_BYTES = 50 * 1024 * 1024;
const LOCK_STALE_MS = 30_000;

function fail(message: string): never {
  process.stderr.write(`launcher: ${message}\n`);
  process.exit(1);
}

function readStdin(): Promise<string> {
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => res(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', rej);
  });
}

function parsePayload(text: string): Payload {
  let p: unknown;
  try {
    p = JSON.parse(text || '{}');
  } catch (e) {
    fail(`stdin is not JSON: ${(e as Error).message}`);
  }
  if (typeof p !== 'object' || p === null || Array.isArray(p)) fail('stdin must be a JSON object {env, args}');
  const o = p as Payload;
  if (o.env !== undefined && (typeof o.env !== 'object' || o.env === null || Object.values(o.env).some((v) => typeof v !== 'string'))) fail('env must map names to strings');
  if (o.args !== undefined && (!Array.isArray(o.args) || o.args.some((a) => typeof a !== 'string'))) fail('args must be an array of strings');
  return o;
}

/** A live process whose command line names hostd (a reused pid of something else does not count). */
function isHostdAlive(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => /hostd[^/]*$/.test(a));
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Serialises concurrent launchers (two `fleet up` at once) with an O_EXCL lock file. */
async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      closeSync(openSync(file, 'wx', 0o600));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(file).mtimeMs > LOCK_STALE_MS) unlinkSync(file);
      } catch {
        // the holder just released it
      }
      if (Date.now() > deadline) fail(`another launcher holds ${file}; remove it if no launcher is running`);
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}

function openLog(logDir: string): number {
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const log = join(logDir, 'hostd.log');
  try {
    if (statSync(log).size > LOG_ROTATE_BYTES) renameSync(log, `${log}.1`);
  } catch {
    // no log yet
  }
  return openSync(log, 'a', 0o600);
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const payload = parsePayload(await readStdin());
  const env: Record<string, string | undefined> = { ...process.env, ...(payload.env ?? {}) };
  const home = resolve(env.AGENTFLEET_HOME || join(homedir(), '.agentfleet'));
  const releaseDir = payload.releaseDir ?? dirname(resolve(process.argv[1] ?? '.'));
  const nodePath = payload.nodePath ?? process.execPath;
  if (!isAbsolute(nodePath)) fail(`node path '${nodePath}' is not absolute`);
  const script = join(releaseDir, 'hostd.js');
  if (!existsSync(script)) fail(`${script} does not exist (deploy the release first)`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const pidFile = join(home, 'hostd.pid');

  const outcome = await withLock(`${pidFile}.launch`, async () => {
    const existing = readPid(pidFile);
    if (existing !== undefined && isHostdAlive(existing)) return `already running ${existing}`;
    const logFd = openLog(join(home, 'logs'));
    env.AGENTFLEET_HOME = home;
    env.AGENTFLEET_RELEASE_DIR = releaseDir;
    const child = spawn(nodePath, [script, ...(payload.args ?? [])], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env,
      cwd: home,
    });
    closeSync(logFd);
    const pid = child.pid;
    if (pid === undefined) {
      const err = await new Promise<Error>((r) => child.once('error', r));
      fail(`cannot spawn ${nodePath}: ${err.message}`);
    }
    writeFileSync(pidFile, `${pid}\n`, { mode: 0o600 });
    // Watch briefly: a daemon that dies at once (bad config, no Redis URL) is reported, not hidden.
    const early = await Promise.race([
      new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal }))),
      sleep(payload.graceMs ?? 500).then(() => undefined),
    ]);
    if (early) {
      if (readPid(pidFile) === pid) unlinkSync(pidFile);
      fail(`hostd exited at once (${early.signal ?? `code ${early.code}`}); last lines of ${join(home, 'logs', 'hostd.log')}:\n${tail(join(home, 'logs', 'hostd.log'), 20)}`);
    }
    child.unref();
    return `started ${pid}`;
  });
  process.stdout.write(`${outcome}\n`);
  process.exit(0);
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
