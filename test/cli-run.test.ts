// The `fleet` binary against a real Redis: exit codes, JSON contracts, nothing written on bad
// input, progress without the CLI, preflight refusals, the embedded Redis and `fleet down`.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '@agentfleet/store';
import { cliBin, ensureBuilt, repoRoot, requireBinaries, runFleet, tempDir, TestRedis, waitFor, workerPids } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
const home = ok ? tempDir('cli-home') : '';
const prefix = `cli-${process.pid}`;

function fleet(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 120_000) {
  return runFleet(args, {
    timeoutMs,
    env: { ...process.env, REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: join(home, 'fleet.yaml'), AGENTFLEET_SLOTS: '2', ...env },
  });
}

async function keyCount(): Promise<number> {
  const r = createRedis(inject('redisUrl'));
  const keys = await r.keys(`${prefix}:*`);
  r.disconnect();
  return keys.length;
}

function writePlan(name: string, text: string): string {
  const p = join(home, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'fleet.yaml'), `redis: { prefix: ${prefix} }\n`);
}, 300_000);

afterAll(async () => {
  if (ok) await fleet(['down']);
});

describe.runIf(ok)('fleet run / status / report', () => {
  it('a bad plan exits 2 with one line per problem and writes nothing to Redis', async () => {
    const before = await keyCount();
    const plan = writePlan('bad.yaml', 'name: bad\ntasks:\n  - id: a\n    agent: shell\n  - id: b\n    agent: shell\n    run: "true"\n    deps: [zzz]\n');
    const res = await fleet(['run', plan]);
    expect(res.code).toBe(2);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    const lines = res.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(res.stderr).toMatch(/bad\.yaml:\d+:\d+/);
    expect(await keyCount()).toBe(before);
  });

  it('a missing plan file is named; bad flags exit 2', async () => {
    const res = await fleet(['run', join(home, 'nope.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('nope.yaml');
    expect((await fleet(['run', 'x.yaml', '--schedule', 'sideways'])).code).toBe(2);
    expect((await fleet(['status', 'NOT A RUN'])).code).toBe(2);
  });

  it('--watch exits 0 on success and prints the run id alone on the last line; status/report follow the contracts', async () => {
    const plan = writePlan('good.yaml', 'name: good\ndefaults: { agent: shell, estimate: 1s }\ntasks:\n  - id: a\n    run: echo hi\n  - id: b\n    deps: [a]\n    run: "true"\n');
    const res = await fleet(['run', plan, '--watch']);
    expect(res.code, res.stderr).toBe(0);
    const runId = res.stdout.trim().split('\n').at(-1)!;
    expect(runId).toMatch(/^r\d{8}-\d{6}-[a-z0-9]{4}$/);
    const status = JSON.parse((await fleet(['status', runId, '--json'])).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ id: runId, name: 'good', status: 'succeeded', schedule: 'deps', baseCommit: null, counts: { succeeded: 2 } });
    const report = JSON.parse((await fleet(['report', runId, '--format', 'json'])).stdout) as { run: Record<string, unknown>; tasks: Record<string, unknown>[]; totals: Record<string, unknown> };
    expect(Object.keys(report.run).sort()).toEqual(['baseCommit', 'createdAt', 'finishedAt', 'id', 'name', 'schedule', 'startedAt', 'status'].sort());
    for (const k of ['id', 'status', 'host', 'worker', 'attempts', 'queuedAt', 'startedAt', 'finishedAt', 'durationMs', 'waitMs', 'error', 'branch', 'commit', 'diff', 'provider', 'model', 'usage', 'costUsd']) {
      expect(report.tasks[0]).toHaveProperty(k);
    }
    expect(report.totals).toMatchObject({ tasks: 2, succeeded: 2, failed: 0, skipped: 0, cancelled: 0 });
    expect(typeof report.totals.durationMs).toBe('number');
    expect(new Date(report.run.createdAt as string).toISOString()).toBe(report.run.createdAt);
    const md = await fleet(['report', runId]);
    expect(md.stdout).toContain(`# Run ${runId}`);
  });

  it('--watch exits 1 when the run failed; --json prints {"runId"}', async () => {
    const plan = writePlan('fail.yaml', 'name: fails\ndefaults: { agent: shell, retries: 0 }\ntasks:\n  - id: a\n    run: exit 4\n');
    const res = await fleet(['run', plan, '--watch', '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toHaveProperty('runId');
  });

  it('the run goes on when the CLI is killed right after submit; status shows it later', async () => {
    const plan = writePlan('detached.yaml', 'name: detached\ndefaults: { agent: shell }\ntasks:\n  - id: a\n    run: sleep 1\n  - id: b\n    deps: [a]\n    run: sleep 1\n');
    const child = spawn(process.execPath, [cliBin, 'run', plan, '--json'], { env: { ...process.env, REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: join(home, 'fleet.yaml') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await new Promise((r) => child.once('exit', r));
    const runId = (JSON.parse(out) as { runId: string }).runId;
    await waitFor('the run to finish without the CLI', async () => JSON.parse((await fleet(['status', runId, '--json'])).stdout).status === 'succeeded', 60_000, 300);
  });

  it('--repo runs an example plan on a repository: dependents see their dependencies files', async () => {
    const { initRepository, showFile } = await import('@agentfleet/workspace');
    const repo = join(tempDir('cli-repo'), 'repo');
    await initRepository(repo, { 'README.md': 'x\n' });
    const res = await fleet(['run', join(repoRoot, 'examples/chain.yaml'), '--repo', repo, '--watch']);
    expect(res.code, res.stderr).toBe(0);
    const runId = res.stdout.trim().split('\n').at(-1)!;
    expect(await showFile(repo, `fleet/${runId}/review`, 'notes/review.md')).toBe('analysis\ntests passed\n');
    expect((await fleet(['run', join(repoRoot, 'examples/chain.yaml'), '--ref', 'main'])).code).toBe(2); // --ref without a repository
  });

  it('fleet runs and fleet hosts list what is there', async () => {
    expect((await fleet(['runs'])).stdout).toMatch(/good/);
    const hosts = JSON.parse((await fleet(['hosts', '--json'])).stdout) as { name: string; up: boolean; slots: { desired: number } }[];
    expect(hosts).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'local', up: true })]));
    for (const k of ['name', 'up', 'slots', 'cpu', 'memory', 'load1', 'diskFree', 'version', 'heartbeatAgeMs', 'labels']) expect(hosts[0]).toHaveProperty(k);
  });
});

describe.runIf(ok)('Redis preflight and connection errors', () => {
  it('refuses an eviction policy unless --allow-eviction; names the URL without the password', async () => {
    const lru = await TestRedis.start(['--maxmemory-policy', 'allkeys-lru', '--requirepass', 's3cretpw']);
    try {
      const url = `redis://:s3cretpw@127.0.0.1:${lru.port}`;
      const refused = await fleet(['runs'], { REDIS_URL: url });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/maxmemory-policy 'allkeys-lru'/);
      expect(refused.stderr).toContain(`redis://:***@127.0.0.1:${lru.port}`);
      expect(refused.stderr).not.toContain('s3cretpw');
      const plan = writePlan('evict.yaml', 'name: evict\ndefaults: { agent: noop }\ntasks:\n  - id: a\n');
      const evictHome = tempDir('evict-home');
      const allowed = await fleet(['run', plan, '--allow-eviction', '--json'], { REDIS_URL: url, AGENTFLEET_HOME: evictHome });
      expect(allowed.code, allowed.stderr).toBe(0);
      await fleet(['down'], { REDIS_URL: url, AGENTFLEET_HOME: evictHome }); // the local daemon it started
    } finally {
      await lru.stop();
    }
    const down = await fleet(['runs'], { REDIS_URL: 'redis://:pw123456@127.0.0.1:1' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(down.stderr).not.toContain('pw123456');
  });
});

describe.runIf(ok)('embedded Redis', () => {
  it('starts redis-server once under the home, reuses it, and fleet down stops it with the daemon', async () => {
    const embeddedHome = tempDir('embedded');
    const env = { REDIS_URL: undefined, AGENTFLEET_HOME: embeddedHome, AGENTFLEET_CONFIG: join(embeddedHome, 'none.yaml') };
    writeFileSync(join(embeddedHome, 'none.yaml'), '{}\n');
    const plan = writePlan('embedded.yaml', 'name: emb\ndefaults: { agent: noop }\ntasks:\n  - id: a\n');
    const first = await fleet(['run', plan, '--watch'], env);
    expect(first.code, first.stderr).toBe(0);
    const second = await fleet(['runs', '--json'], env);
    expect((JSON.parse(second.stdout) as unknown[]).length).toBe(1); // same server: the first run is there
    expect(workerPids(embeddedHome).length).toBeGreaterThan(0);
    const down = await fleet(['down'], env);
    expect(down.stdout).toMatch(/local host daemon stopped/);
    expect(down.stdout).toMatch(/embedded redis-server stopped/);
    await waitFor('workers gone', () => workerPids(embeddedHome).length === 0, 20_000);
  });
});
