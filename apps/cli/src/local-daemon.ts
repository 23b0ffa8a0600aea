import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, totalmem } from 'node:os';
import { defaultSlots, FleetError, secretEnvNames, type FleetConfig } from '@agentfleet/core';
import { retentionEnv } from './retention-env.js';

/**
 * Without hosts in the config, the fleet is this machine: the same host daemon as on
 * remote hosts, spawned detached (it outlives the CLI) instead of started over SSH.
 */
export const LOCAL_HOST = 'local';

function hostdScript(): string {
  return process.env.AGENTFLEET_HOSTD ?? fileURLToPath(new URL('../../worker/dist/hostd.js', import.meta.url));
}

interface DaemonState {
  pid: number;
  redisUrl: string;
  prefix: string;
}

function stateFile(home: string): string {
  return join(home, 'local-daemon.json');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readState(home: string): DaemonState | null {
  try {
    const s = JSON.parse(readFileSync(stateFile(home), 'utf8')) as DaemonState;
    return alive(s.pid) ? s : null;
  } catch {
    return null;
  }
}

export async function ensureLocalDaemon(home: string, redisUrl: string, config: FleetConfig): Promise<{ pid: number; started: boolean }> {
  const state = readState(home);
  if (state && state.redisUrl === redisUrl && state.prefix === config.redis.prefix) return { pid: state.pid, started: false };
  if (state) await stopLocalDaemon(home);
  const script = hostdScript();
  if (!existsSync(script)) throw new FleetError('internal', `host daemon not built: ${script} is missing (run npm run build)`);
  const logDir = join(home, 'logs');
  mkdirSync(logDir, { recursive: true });
  const out = openSync(join(logDir, 'hostd.log'), 'a');
  const child = spawn(process.execPath, [script], {
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      AGENTFLEET_HOST: process.env.AGENTFLEET_HOST ?? LOCAL_HOST,
      AGENTFLEET_HOME: home,
      AGENTFLEET_PREFIX: config.redis.prefix,
      AGENTFLEET_SECRET_NAMES: secretEnvNames(config).join(','),
      AGENTFLEET_GIT_AUTHOR: config.git.author,
      AGENTFLEET_HEARTBEAT_TTL_MS: String(config.heartbeatTtlMs),
      ...retentionEnv(config),
      // Agents mostly wait on models and git: a laptop runs at least two at once.
      AGENTFLEET_SLOTS: process.env.AGENTFLEET_SLOTS ?? String(Math.max(2, defaultSlots(availableParallelism(), totalmem()))),
    },
  });
  child.unref();
  if (!child.pid) throw new FleetError('internal', 'cannot start the local host daemon');
  writeFileSync(stateFile(home), JSON.stringify({ pid: child.pid, redisUrl, prefix: config.redis.prefix } satisfies DaemonState));
  return { pid: child.pid, started: true };
}

/** SIGTERM: the daemon drains (running tasks finish) and exits; SIGKILL after the timeout. */
export async function stopLocalDaemon(home: string, timeoutMs = 30_000): Promise<boolean> {
  const state = readState(home);
  rmSync(stateFile(home), { force: true });
  if (!state) return false;
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(state.pid)) process.kill(state.pid, 'SIGKILL');
  return true;
}

/**
 * Waits until the freshly started daemon's heartbeat shows up; if the process dies first,
 * the error carries the end of its log so the user sees why.
 */
export async function awaitLocalDaemon(home: string, pid: number, isUp: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isUp()) return;
    if (!alive(pid)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  let tail = '';
  try {
    tail = readFileSync(join(home, 'logs', 'hostd.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    // no log yet
  }
  throw new FleetError('internal', `the local host daemon did not come up${alive(pid) ? ` within ${timeoutMs / 1000}s` : ' (it exited)'}; last lines of ${join(home, 'logs', 'hostd.log')}:\n${tail}`);
}

export function localDaemonPid(home: string): number | null {
  return readState(home)?.pid ?? null;
}
