// The local fleet's daemon: without hosts in the config the fleet is this machine, and the same
// host daemon as on remote hosts is started by the same launcher (apps/worker/dist/launcher.js,
// a LaunchRequest on its stdin), only spawned here instead of over SSH. It inherits this
// shell's environment; its start record (host contract) tells when the CLI would start it
// with another one, and `fleet up --restart` replaces it (the old one drains first).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultSlots, FleetError, secretEnvNames, type FleetConfig } from '@agentfleet/core';
import {
  DAEMON_ENV, homeLayout, isHostdProcess, parseLaunchOutcome, readLock, readPidFile, readStartRecord, type LaunchOutcome, type LaunchRequest,
  type StartRecord,
} from '@agentfleet/host-contract';
import type { FleetStore } from '@agentfleet/store';
import { localHostEnv } from './local-host.js';
import { fleetScopedEnv } from './fleet-scoped-env.js';
import { waitForHeartbeat } from './heartbeat-wait.js';
import { retentionEnv } from './retention-env.js';

export const LOCAL_HOST = 'local';

/** apps/worker/dist (from `npm run build`), or the directory of $AGENTFLEET_HOSTD. */
function releaseDir(): string {
  const hostd = process.env.AGENTFLEET_HOSTD ?? fileURLToPath(new URL('../../worker/dist/hostd.js', import.meta.url));
  return dirname(hostd);
}

/** The host name the local daemon registers under. */
export function localHostName(): string {
  return process.env[DAEMON_ENV.host] ?? LOCAL_HOST;
}

/** The local daemon's environment: this shell's, with what the fleet sets from its config. */
export function localDaemonEnv(home: string, redisUrl: string, config: FleetConfig): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  return {
    ...inherited,
    [DAEMON_ENV.redisUrl]: redisUrl,
    [DAEMON_ENV.host]: localHostName(),
    [DAEMON_ENV.home]: home,
    [DAEMON_ENV.prefix]: config.redis.prefix,
    [DAEMON_ENV.secretNames]: secretEnvNames(config).join(','),
    [DAEMON_ENV.gitAuthor]: config.git.author,
    [DAEMON_ENV.heartbeatTtlMs]: String(config.heartbeatTtlMs),
    ...retentionEnv(config),
    // Agents mostly wait on models and git: a laptop runs at least two at once.
    [DAEMON_ENV.slots]: process.env[DAEMON_ENV.slots] ?? String(Math.max(2, defaultSlots(availableParallelism(), totalmem()))),
    ...localHostEnv(config),
    ...fleetScopedEnv(config),
  };
}

export interface LocalDaemon {
  pid: number;
  /** What it was started with; absent for a daemon started before start records existed. */
  record?: StartRecord;
}

/** The daemon the pid file names, if it is a live host daemon. */
export function runningLocalDaemon(home: string): LocalDaemon | null {
  const layout = homeLayout(home);
  const pid = readPidFile(layout.pidFile);
  if (pid === undefined || !isHostdProcess(pid)) return null;
  const record = readStartRecord(layout.startRecord);
  return record?.pid === pid ? { pid, record } : { pid };
}

/** Runs the launcher; `replace` drains a running daemon and lets the new one take over after it. */
export async function launchLocalDaemon(env: Record<string, string>, replace: boolean): Promise<LaunchOutcome> {
  const dir = releaseDir();
  if (!existsSync(join(dir, 'hostd.js')) || !existsSync(join(dir, 'launcher.js'))) {
    throw new FleetError('internal', `host daemon not built: ${dir} has no hostd.js/launcher.js (run npm run build)`);
  }
  const request: LaunchRequest = { env, releaseDir: dir, nodePath: process.execPath, ...(replace ? { replace: true } : {}) };
  const child = spawn(process.execPath, [join(dir, 'launcher.js')], { stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdin.end(JSON.stringify(request));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  const outcome = code === 0 ? parseLaunchOutcome(stdout) : undefined;
  if (!outcome) throw new FleetError('internal', `cannot start the local host daemon (launcher exit ${code}): ${(stderr.trim() || stdout.trim()).replace(/^launcher: /, '')}`);
  return outcome;
}

async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isHostdProcess) && Date.now() < deadline) await sleep(100);
  for (const pid of pids.filter(isHostdProcess)) process.kill(pid, 'SIGKILL');
}

/**
 * SIGTERM: the daemon drains (running tasks finish) and exits; SIGKILL after the timeout. A
 * daemon still draining after a restart (it holds the active lock) is stopped with it.
 */
export async function stopLocalDaemon(home: string, timeoutMs = 30_000): Promise<boolean> {
  const layout = homeLayout(home);
  const pids = [readPidFile(layout.pidFile), readLock(layout.activeLock)?.pid].filter((p): p is number => p !== undefined && isHostdProcess(p));
  if (!pids.length) return false;
  for (const pid of new Set(pids)) process.kill(pid, 'SIGTERM');
  await waitGone([...new Set(pids)], timeoutMs);
  return true;
}

function logTail(home: string): string {
  try {
    return readFileSync(homeLayout(home).hostdLog, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

/**
 * Waits until the freshly started daemon's heartbeat shows up; if the process dies first,
 * the error carries the end of its log so the user sees why.
 */
export async function awaitLocalDaemon(store: FleetStore, home: string, pid: number, timeoutMs = 20_000): Promise<void> {
  const r = await waitForHeartbeat(store, localHostName(), pid, { timeoutMs, alive: () => isHostdProcess(pid), aliveEveryMs: 200 });
  if (r === 'up') return;
  const log = homeLayout(home).hostdLog;
  throw new FleetError('internal', `the local host daemon did not come up${r === 'timeout' ? ` within ${timeoutMs / 1000}s` : ' (it exited)'}; last lines of ${log}:\n${logTail(home)}`);
}
