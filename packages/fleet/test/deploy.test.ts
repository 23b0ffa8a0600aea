// Real sshd host: probe, content-addressed deploy, and the hostd launcher (detached, idempotent,
// secrets only in the environment), with a dummy bundle whose hostd.js is a small sleeper.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshSession, daemonStatus, defaultSlots, deployBundle, hashBundle, probeHost, resolveHost, startDaemon, stopDaemon, type ResolvedHost } from '@agentfleet/fleet';
import { canRunTestHosts, removeDir, repoRoot, startTestHosts, tempDir, type TestHosts } from '@agentfleet/testkit';

const enabled = canRunTestHosts();
const noAgent = { agentSocket: '' };
const launcherSrc = join(repoRoot, 'apps/worker/src/launcher.ts');

const SLEEPER = `
console.log('hostd up', JSON.stringify(process.argv.slice(2)), 'secret present:', Boolean(process.env.AF_TEST_SECRET), 'cwd:', process.cwd());
process.on('SIGTERM', () => { console.log('hostd draining'); setTimeout(() => process.exit(0), 200); });
setInterval(() => {}, 1000);
`;

function makeBundle(dir: string, version: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', version }));
  writeFileSync(join(dir, 'hostd.js'), SLEEPER);
  buildSync({ entryPoints: [launcherSrc], outfile: join(dir, 'launcher.js'), platform: 'node', format: 'esm', target: 'node20', bundle: true, logLevel: 'error' });
}

describe.skipIf(!enabled)('deploy and hostd over real sshd', () => {
  let th: TestHosts;
  let tmp: string;
  let host: ResolvedHost;
  let s: SshSession;

  beforeAll(async () => {
    th = await startTestHosts({ n: 1, firstIp: 12, userPrefix: 'afdeploy', names: ['mugen'] });
    tmp = tempDir('deploy-test');
    host = resolveHost(th.hosts[0]!, { home: tmp });
    s = await SshSession.connect(host, noAgent);
  });

  afterAll(async () => {
    s?.close();
    await th?.down();
    if (tmp) removeDir(tmp);
  });

  it('probes node (absolute path), git, cores, memory and home', async () => {
    const p = await probeHost(s);
    expect(p.missing).toEqual([]);
    expect(p.node?.path).toBe(execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).trim());
    expect(p.node?.version).toBe(process.version);
    expect(p.git).toMatch(/^\d+\.\d+/);
    expect(p.cores).toBeGreaterThanOrEqual(1);
    expect(p.memBytes).toBeGreaterThan(100 * 1024 * 1024);
    expect(p.home).toBe('/home/afdeploy1');
    expect(defaultSlots(p.cores, p.memBytes)).toBeGreaterThanOrEqual(1);
  });

  it('uploads a bundle once (content-addressed) and points current at it', async () => {
    const bundle = join(tmp, 'bundle-v1');
    makeBundle(bundle, '1');
    const first = await deployBundle(s, bundle);
    expect(first).toMatchObject({ hash: hashBundle(bundle), uploaded: true, releaseDir: `/home/afdeploy1/.agentfleet/releases/${hashBundle(bundle)}` });
    const second = await deployBundle(s, bundle);
    expect(second).toMatchObject({ hash: first.hash, uploaded: false, releaseDir: first.releaseDir });
    const ls = await s.run('list releases', ['sh', '-c', 'cd "$1" && ls -A && readlink current', 'sh', '/home/afdeploy1/.agentfleet/releases']);
    expect(ls.stdout).toBe(`${first.hash}\ncurrent\n${first.hash}\n`);

    const v2 = join(tmp, 'bundle-v2');
    makeBundle(v2, '2');
    const third = await deployBundle(s, v2);
    expect(third.uploaded).toBe(true);
    expect(third.hash).not.toBe(first.hash);
    expect((await s.exec(['readlink', third.currentLink])).stdout.trim()).toBe(third.hash);
    // Going back to v1 only flips the link.
    expect(await deployBundle(s, bundle)).toMatchObject({ uploaded: false, hash: first.hash });
    expect((await s.exec(['readlink', first.currentLink])).stdout.trim()).toBe(first.hash);
  });

  it('starts hostd detached with secrets only in its environment; idempotent; stops it', async () => {
    const bundle = join(tmp, 'bundle-v1');
    if (!existsSync(bundle)) makeBundle(bundle, '1');
    const { releaseDir } = await deployBundle(s, bundle);
    const nodePath = (await probeHost(s)).node!.path;
    const secret = `sk-test-${Date.now().toString(36)}-never-in-ps`;
    const started = await startDaemon(s, { nodePath, releaseDir, env: { AF_TEST_SECRET: secret, AGENTFLEET_HOST: 'mugen' }, args: ['--host', 'mugen'] });
    expect(started.started).toBe(true);
    expect(started.pid).toBeGreaterThan(1);

    // The daemon outlives the SSH session that started it.
    s.close();
    s = await SshSession.connect(host, noAgent);
    expect(await daemonStatus(s)).toEqual({ running: true, pid: started.pid });

    const again = await startDaemon(s, { nodePath, releaseDir, env: { AF_TEST_SECRET: secret }, args: ['--host', 'mugen'] });
    expect(again).toEqual({ started: false, pid: started.pid });

    // Secret: absent from every command line on the machine, present in the daemon's environment.
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps).toContain(`${releaseDir}/hostd.js --host mugen`);
    expect(ps).not.toContain(secret);
    const environ = (await s.run('read environ', ['cat', `/proc/${started.pid}/environ`])).stdout.split('\0');
    expect(environ).toContain(`AF_TEST_SECRET=${secret}`);
    expect(environ).toContain('AGENTFLEET_HOME=/home/afdeploy1/.agentfleet');
    // Detached: its own session, not the SSH one.
    const sid = (await s.run('read sid', ['ps', '-o', 'sid=', '-p', String(started.pid)])).stdout.trim();
    expect(Number(sid)).toBe(started.pid);
    const log = (await s.run('read log', ['cat', '/home/afdeploy1/.agentfleet/logs/hostd.log'])).stdout;
    expect(log).toContain('hostd up ["--host","mugen"] secret present: true cwd: /home/afdeploy1/.agentfleet');
    expect(log).not.toContain(secret);

    const stop = await stopDaemon(s, { timeoutMs: 10_000 });
    expect(stop).toEqual({ stopped: true, how: 'stopped', pid: started.pid });
    expect(await daemonStatus(s)).toEqual({ running: false });
    expect((await s.exec(['test', '-e', '/home/afdeploy1/.agentfleet/hostd.pid'])).code).not.toBe(0);
    expect(await stopDaemon(s)).toEqual({ stopped: false, how: 'not-running' });
  });

  it('kills a daemon that ignores SIGTERM after the timeout, and reports one that dies at start', async () => {
    const stubborn = join(tmp, 'bundle-stubborn');
    makeBundle(stubborn, 'stubborn');
    writeFileSync(join(stubborn, 'hostd.js'), `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`);
    const { releaseDir } = await deployBundle(s, stubborn);
    const nodePath = (await probeHost(s)).node!.path;
    const home = '/home/afdeploy1/.agentfleet/alt-home';
    const { pid } = await startDaemon(s, { nodePath, releaseDir, env: {}, args: [], home });
    expect(await stopDaemon(s, { home, timeoutMs: 300 })).toEqual({ stopped: true, how: 'killed', pid });

    const broken = join(tmp, 'bundle-broken');
    makeBundle(broken, 'broken');
    writeFileSync(join(broken, 'hostd.js'), `console.error('REDIS_URL is not set'); process.exit(3);`);
    const b = await deployBundle(s, broken);
    await expect(startDaemon(s, { nodePath, releaseDir: b.releaseDir, env: {}, args: [], home })).rejects.toThrow(/did not start on mugen.*hostd exited at once \(code 3\).*REDIS_URL is not set/s);
  });
});
