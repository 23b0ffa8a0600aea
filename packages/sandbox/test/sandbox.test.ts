// Real bubblewrap: what a confined process can and cannot reach. The hostile-repository test
// (test/least-privilege-e2e.test.ts) does the same through the whole fleet.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkMode } from '@agentfleet/core';
import { Confinement, hostSandbox, probeSandbox, probeScript, readProbe, STARTED_MARK, type HostSandbox } from '@agentfleet/sandbox';
import { isRoot, removeDir, requireBinaries, tempDir } from '@agentfleet/testkit';

const ok = requireBinaries('bwrap');
let root: string;
let host: HostSandbox;
let listener: Server;
let port: number;
let hits = 0;

/** Runs `sh -c script` confined by `c`; what it printed, its exit code, and whether the sandbox started. */
function confined(c: Confinement, script: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; started: boolean }> {
  const base = { PATH: '/usr/bin:/bin', HOME: c.policy.home, ...env };
  const cmd = c.command('sh', ['-c', script], c.policy.workdir, base);
  return new Promise((resolve) => {
    const p = spawn(cmd.file, cmd.args, { env: base, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let mark = '';
    p.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    (p.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => (mark += b.toString()));
    p.on('close', (code) => resolve({ code, out, started: mark === STARTED_MARK }));
  });
}

function confinement(network: NetworkMode, extra: Partial<Confinement['policy']> = {}): Confinement {
  const slot = join(root, 'home', 'slots', 's-0');
  return new Confinement(host, { workdir: join(slot, 'wt'), home: join(slot, 'home'), writable: [join(root, 'home', 'cache', 'npm')], readOnly: [], etcDir: join(slot, 'sandbox'), network, ...extra });
}

beforeAll(async () => {
  if (!ok) return;
  root = tempDir('sandbox');
  const userHome = join(root, 'user');
  mkdirSync(join(userHome, '.ssh'), { recursive: true });
  writeFileSync(join(userHome, '.ssh', 'id_ed25519'), 'PRIVATE KEY\n');
  mkdirSync(join(root, 'home', 'slots', 's-1', 'wt'), { recursive: true });
  writeFileSync(join(root, 'home', 'slots', 's-1', 'wt', 'other.txt'), 'another slot\n');
  mkdirSync(join(root, 'home', 'logs'), { recursive: true });
  writeFileSync(join(root, 'home', 'logs', 'hostd.log'), 'log\n');
  host = hostSandbox({ hidden: { userHome, fleetHome: join(root, 'home') }, path: process.env.PATH });
  listener = createServer((s) => {
    hits++;
    s.end();
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as { port: number }).port;
});

afterAll(async () => {
  if (!ok) return;
  await new Promise((r) => listener.close(r));
  removeDir(root);
});

describe.runIf(ok)('bubblewrap sandbox', () => {
  it('this host can sandbox; a host without bwrap or without namespaces says why', async () => {
    const probe = await probeSandbox();
    expect(probe, probe.reason).toMatchObject({ ok: true });
    expect(probe.version).toMatch(/^bubblewrap \d+\.\d+/);
    const missing = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const p = spawn('/bin/sh', ['-c', probeScript()], { env: { PATH: join(root, 'empty') }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (b: Buffer) => (err += b.toString()));
      p.on('close', (code) => resolve({ code, err }));
    });
    expect(readProbe(missing.code, '', missing.err)).toEqual({ ok: false, reason: 'bubblewrap (bwrap) is not installed: apt-get install bubblewrap' });
    expect(readProbe(1, 'bubblewrap 0.8.0\n', 'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces\n').reason).toMatch(/^bwrap cannot create the sandbox's namespaces here \(No permissions to creating new namespace/);
  });

  it('the workspace, the private HOME, /tmp and the caches are writable; the system is read-only; the rest of the host is not there', async () => {
    const c = confinement('none');
    const r = await confined(c, [
      'echo work > work.txt && echo home > "$HOME/h.txt" && echo t > /tmp/t && echo cache > ' + join(root, 'home', 'cache', 'npm', 'c.txt'),
      'for f in /usr/x /x /etc/x /var/x; do touch $f 2>/dev/null && echo WROTE-$f; done',
      // the path of the host's directory exists inside only as a mount point in a private tmpfs
      `touch ${root}/outside 2>/dev/null`,
      `cat ${root}/user/.ssh/id_ed25519 2>/dev/null && echo READ-SSH`,
      `ls ${root}/home/slots/s-1 2>/dev/null && echo SAW-OTHER-SLOT`,
      `cat ${root}/home/logs/hostd.log 2>/dev/null && echo READ-LOG`,
      'ls /etc/shadow /etc/ssh 2>/dev/null && echo SAW-SHADOW',
      'id -un; id -u; grep -c . /etc/passwd; ls /home /root 2>&1 | head -2',
    ].join('; '));
    expect(r.started).toBe(true);
    expect(r.out).not.toMatch(/WROTE-|READ-|SAW-/);
    expect(readFileSync(join(c.policy.workdir, 'work.txt'), 'utf8')).toBe('work\n');
    expect(readFileSync(join(c.policy.home, 'h.txt'), 'utf8')).toBe('home\n');
    expect(existsSync(join(root, 'outside'))).toBe(false);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('agent');
    if (isRoot) expect(lines[1]).toBe('1000'); // root's tasks run as an unprivileged uid of their user namespace
    expect(lines[2]).toBe('3'); // root, the task's own user, nobody
  });

  it('a sandbox makes its places and /etc files at its first command, once for all its network copies', async () => {
    const slot = join(root, 'home', 'slots', 's-lazy');
    const c = confinement('none', { workdir: join(slot, 'wt'), home: join(slot, 'home'), etcDir: join(slot, 'sandbox') });
    const full = c.withNetwork('full');
    // a task that starts no process (noop, a gate) costs no file system work
    expect(existsSync(slot)).toBe(false);
    const r = await confined(full, 'id -un; touch "$HOME/made"');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe('agent');
    expect(existsSync(join(slot, 'sandbox', 'passwd'))).toBe(true);
    // the copy with the other network shares that preparation and the same HOME
    expect((await confined(c, 'ls "$HOME"')).out.trim()).toBe('made');
  });

  it('network: none leaves only a loopback of its own; network: full reaches the host', async () => {
    const probe = `exec 3<>/dev/tcp/127.0.0.1/${port} 2>/dev/null && echo CONNECTED || echo REFUSED`;
    const none = await confined(confinement('none'), `bash -c '${probe}' 2>/dev/null`);
    expect(none.out.trim()).toBe('REFUSED');
    expect(hits).toBe(0);
    const full = await confined(confinement('full'), `bash -c '${probe}' 2>/dev/null`);
    expect(full.out.trim()).toBe('CONNECTED');
    expect(hits).toBe(1);
  });

  it('a sandbox that cannot be set up is told apart from a command that fails', async () => {
    const broken = confinement('none', { readOnly: [join(root, 'no-such-dir')] });
    const r = await confined(broken, 'exit 1');
    expect(r).toMatchObject({ code: 1, started: false });
    expect(r.out).toMatch(/bwrap: Can't find source path .*no-such-dir/);
    const fails = await confined(confinement('none'), 'exit 1');
    expect(fails).toMatchObject({ code: 1, started: true });
  });
});
