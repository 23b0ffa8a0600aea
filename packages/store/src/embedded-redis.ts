import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { FleetError } from '@agentfleet/core';

/**
 * Without REDIS_URL the CLI runs the system redis-server itself: a free local port, data
 * under <home>/redis with AOF on and noeviction, reused by every later command.
 */
export interface EmbeddedRedis {
  url: string;
  pid: number;
  port: number;
  started: boolean;
}

interface State {
  port: number;
  pid: number;
}

function stateFile(home: string): string {
  return join(home, 'redis', 'embedded.json');
}

async function ping(port: number): Promise<boolean> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function readState(home: string): State | null {
  try {
    return JSON.parse(readFileSync(stateFile(home), 'utf8')) as State;
  } catch {
    return null;
  }
}

export async function embeddedRedisRunning(home: string): Promise<EmbeddedRedis | null> {
  const s = readState(home);
  if (s && (await ping(s.port))) return { url: `redis://127.0.0.1:${s.port}`, pid: s.pid, port: s.port, started: false };
  return null;
}

export async function ensureEmbeddedRedis(home: string, binary = process.env.AGENTFLEET_REDIS_SERVER ?? 'redis-server'): Promise<EmbeddedRedis> {
  const running = await embeddedRedisRunning(home);
  if (running) return running;
  const dir = join(home, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const log = openSync(join(dir, 'redis.log'), 'a');
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', '', '--daemonize', 'no', '--protected-mode', 'yes'],
    { detached: true, stdio: ['ignore', log, log] },
  );
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) => reject(new FleetError('internal', `cannot start ${binary}: ${e.message}. Install it (./scripts/bootstrap, or apt-get install redis-server) or set REDIS_URL`))),
  );
  child.unref();
  const deadline = Date.now() + 15_000;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (await ping(port)) return;
      if (child.exitCode !== null) break;
      await sleep(50);
    }
    throw new FleetError('internal', `embedded redis-server did not start on port ${port}; see ${join(dir, 'redis.log')}`);
  })();
  await Promise.race([ready, spawnError]);
  writeFileSync(stateFile(home), JSON.stringify({ port, pid: child.pid }));
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid ?? 0, port, started: true };
}

/** Stops the embedded server cleanly (SHUTDOWN writes the AOF). */
export async function stopEmbeddedRedis(home: string): Promise<boolean> {
  const s = readState(home);
  if (!s) return false;
  const alive = await ping(s.port);
  if (alive) {
    const r = new Redis({ port: s.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.shutdown('SAVE' as never);
    } catch {
      // the connection drops as the server exits
    }
    r.disconnect();
  }
  if (existsSync(stateFile(home))) rmSync(stateFile(home));
  return alive;
}
