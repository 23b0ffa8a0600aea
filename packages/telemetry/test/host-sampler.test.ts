import { spawn, type ChildProcess } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '@agentfleet/testkit';
import { diskFreeBytes, HostSampler } from '../src/host-sampler.js';

const linux = process.platform === 'linux';
const children: ChildProcess[] = [];

function spawnChild(code: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  return child;
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe.runIf(linux)('HostSampler on this machine', () => {
  it('reports host figures within their ranges', async () => {
    const sampler = new HostSampler({ diskPath: process.cwd(), primeMs: 100 });
    const s = await sampler.sample();
    expect(s.cpu).toBeGreaterThanOrEqual(0);
    expect(s.cpu).toBeLessThanOrEqual(1);
    expect(s.cores).toBeGreaterThanOrEqual(1);
    expect(s.load1).toBeGreaterThanOrEqual(0);
    expect(s.memory.total).toBeGreaterThan(0);
    expect(s.memory.used).toBeGreaterThan(0);
    expect(s.memory.used).toBeLessThanOrEqual(s.memory.total);
    const fs = statfsSync(process.cwd());
    expect(s.diskFree).toBeGreaterThan(0);
    expect(s.diskFree).toBeLessThanOrEqual(fs.blocks * fs.bsize);
    expect(s.processes).toEqual([]);
  });

  it('sees a busy child use CPU and an idle one barely, with their RSS', async () => {
    // Both print once node has started, so the idle one's startup CPU is not measured as work.
    const busy = spawnChild('console.log("ready"); for (;;) {}');
    const idle = spawnChild('console.log("ready"); setInterval(() => {}, 1000)');
    await Promise.all([busy, idle].map((c) => new Promise((r) => c.stdout!.once('data', r))));
    const sampler = new HostSampler({ diskPath: process.cwd(), primeMs: 300 });
    const first = await sampler.sample([busy.pid!, idle.pid!, process.pid]);
    await new Promise((r) => setTimeout(r, 300));
    const second = await sampler.sample([busy.pid!, idle.pid!, process.pid]);
    for (const s of [first, second]) {
      const b = s.processes.find((p) => p.pid === busy.pid);
      const i = s.processes.find((p) => p.pid === idle.pid);
      expect(b, 'busy child sampled').toBeDefined();
      expect(i, 'idle child sampled').toBeDefined();
      expect(b!.cpu).toBeGreaterThan(0.05); // shared 2-core machine: only 'clearly busy' is asserted
      expect(b!.cpu).toBeGreaterThan(i!.cpu);
      expect(b!.rssBytes).toBeGreaterThan(10 * 1024 * 1024); // a node process holds tens of MB
    }
    expect(second.cpu).toBeGreaterThan(0);
  });

  it('leaves out pids that exited and pids that never existed', async () => {
    const child = spawnChild('setTimeout(() => {}, 60000)');
    const sampler = new HostSampler({ diskPath: process.cwd(), primeMs: 50 });
    const before = await sampler.sample([child.pid!, 0x3fffff0]);
    expect(before.processes.map((p) => p.pid)).toEqual([child.pid]);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const after = await sampler.sample([child.pid!]);
    expect(after.processes).toEqual([]);
  });
});

describe('diskFreeBytes', () => {
  it('falls back to the nearest existing ancestor of a directory not created yet', async () => {
    const base = tempDir('disk');
    try {
      const free = await diskFreeBytes(join(base, 'not', 'yet'));
      const fs = statfsSync(base);
      // same filesystem (other processes may write to it meanwhile, hence the tolerance)
      expect(free).toBeGreaterThan(0);
      expect(Math.abs(free - fs.bavail * fs.bsize)).toBeLessThan(0.05 * fs.blocks * fs.bsize);
    } finally {
      removeDir(base);
    }
  });
});
