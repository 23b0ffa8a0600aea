// Real processes: a live "hostd" (a node child whose command line names hostd.js), a dead pid,
// a zombie, and the pid file's take / refuse / replace / release rules.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHostdProcess, pidAlive, readPidFile, releasePidFile, takePidFile, writePidFile } from '@agentfleet/host-contract';
import { removeDir, tempDir } from '@agentfleet/testkit';

let dir: string;
let hostd: ChildProcess;

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

beforeAll(async () => {
  dir = tempDir('host-contract');
  // node -e SCRIPT ARG: the argument lands in its command line, as `node <release>/hostd.js` does.
  hostd = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', join(dir, 'releases/x/hostd.js')], { stdio: 'ignore' });
  await new Promise((r) => hostd.once('spawn', r));
});

afterAll(() => {
  hostd?.kill('SIGKILL');
  if (dir) removeDir(dir);
});

describe('is this process alive', () => {
  it('a live daemon is alive and a hostd; this test process is alive but no hostd; a dead pid is neither', () => {
    expect(pidAlive(hostd.pid!)).toBe(true);
    expect(isHostdProcess(hostd.pid!)).toBe(true);
    expect(pidAlive(process.pid)).toBe(true);
    expect(isHostdProcess(process.pid)).toBe(false);
    const dead = deadPid();
    expect(pidAlive(dead)).toBe(false);
    expect(isHostdProcess(dead)).toBe(false);
    expect(pidAlive(0)).toBe(false);
    expect(pidAlive(-1)).toBe(false);
  });

  it('a zombie (exited, not reaped) is not alive, though signal 0 still reaches it', async () => {
    // sh starts `sleep 1` in the background, then becomes `sleep 8`, which never reaps it
    // (the child outlives the exec, so the shell cannot have reaped it first).
    const sh = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 8'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = Number(await new Promise<string>((r) => sh.stdout.once('data', (b: Buffer) => r(b.toString().trim()))));
    try {
      await expect.poll(() => readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]?.[0], { timeout: 6000 }).toBe('Z');
      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(pidAlive(zombie)).toBe(false);
    } finally {
      sh.kill('SIGKILL');
    }
  });
});

describe('the pid file', () => {
  it('is taken when absent, kept by its own pid, refused while a live daemon holds it, released only by its holder', () => {
    const file = join(dir, 'a.pid');
    expect(takePidFile(file, 1234, () => false)).toEqual({ taken: true });
    expect(readPidFile(file)).toBe(1234);
    expect(takePidFile(file, 1234)).toEqual({ taken: true });
    writePidFile(file, hostd.pid!);
    expect(takePidFile(file, 1234)).toEqual({ taken: false, holder: hostd.pid });
    expect(releasePidFile(file, 1234)).toBe(false);
    expect(readPidFile(file)).toBe(hostd.pid);
    expect(releasePidFile(file, hostd.pid)).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('replaces a holder that is dead or is not a daemon (a reused pid), and an unreadable file', () => {
    const file = join(dir, 'b.pid');
    writePidFile(file, deadPid());
    expect(takePidFile(file, 4321)).toEqual({ taken: true });
    expect(readPidFile(file)).toBe(4321);
    writePidFile(file, process.pid); // alive, but its command line names no hostd
    expect(takePidFile(file, 4321)).toEqual({ taken: true });
    writeFileSync(file, 'garbage\n');
    expect(takePidFile(file, 4321)).toEqual({ taken: true });
    expect(readFileSync(file, 'utf8')).toBe('4321\n');
  });
});
