// Starts one real redis-server for the whole test run (on /dev/shm: fast, thrown away).
// Tests isolate themselves with their own key prefix; REDIS_URL reaches them via provide().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    redisPort: number;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

let redis: ChildProcess | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  const base = process.platform === 'linux' ? '/dev/shm' : tmpdir();
  dir = mkdtempSync(join(base, 'af-test-redis-'));
  const port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    redis!.once('error', (e) => reject(new Error(`cannot start redis-server for tests (is it installed? run ./scripts/bootstrap): ${e.message}`)));
    const deadline = Date.now() + 10_000;
    const tryConnect = () => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => { sock.end(); resolve(); });
      sock.once('error', () => {
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on ${port}`));
        else setTimeout(tryConnect, 50);
      });
    };
    tryConnect();
  });
  project.provide('redisUrl', `redis://127.0.0.1:${port}`);
  project.provide('redisPort', port);
}

export async function teardown(): Promise<void> {
  redis?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
}

