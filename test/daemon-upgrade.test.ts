// Upgrades under a running run, end to end: the `fleet` binary, a real sshd "host"
// (scripts/test-hosts), real daemons and workers, a real Redis. A second daemon bundle (another
// version, so another content hash) is what a newer build ships: `fleet up` says the host runs an
// older release, `fleet up --restart` drains the old daemon (running tasks finish) and the new
// release takes over, every task running exactly once. The same for a changed forwarded variable.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis, FleetStore } from '@agentfleet/store';
import {
  canRunTestHosts, ensureBuilt, FAST_DAEMON_ENV, FAST_HEARTBEAT_TTL_MS, removeDir, repoRoot, hostStatus, requireBinaries, runEnded, sleepers, startTestHosts, tempDir, UserCli, writeShellPlan, waitFor,
  type TestHosts,
} from '@agentfleet/testkit';

const enabled = canRunTestHosts() && requireBinaries('redis-server', 'git');

const finished = (store: FleetStore, runId: string) => runEnded(store, runId, 90_000, 250);

/** Command lines of the host daemons of a unix user. */
function hostdsOf(user: string): string[] {
  const out = execFileSync('ps', ['-u', user, '-o', 'stat=,args='], { encoding: 'utf8' }).split('\n');
  return out.filter((l) => /hostd\.js/.test(l) && !/^\s*Z/.test(l)).map((l) => l.trim().split(/\s+/).slice(1).join(' '));
}

describe.runIf(enabled)('upgrades over a real sshd host: fleet up --restart', () => {
  const prefix = `upg-${process.pid}`;
  const [first, second] = [randomBytes(8).toString('hex'), randomBytes(8).toString('hex')];
  let th: TestHosts;
  let dir: string;
  let cli: UserCli;
  let store: FleetStore;
  let bundleB: string;
  let user: string;
  let homeOnHost: string;

  beforeAll(async () => {
    await ensureBuilt();
    th = await startTestHosts({ n: 1, firstIp: 130, userPrefix: 'afupg', names: ['kaze'] });
    dir = tempDir('daemon-upgrade');
    user = th.users[0]!;
    homeOnHost = join(execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).split(':')[5]!, '.agentfleet');
    // Release B: the same daemon with another version, so another content hash.
    bundleB = join(dir, 'bundle-b');
    cpSync(join(repoRoot, 'apps/worker/bundle'), bundleB, { recursive: true });
    const pkg = JSON.parse(readFileSync(join(bundleB, 'package.json'), 'utf8')) as { version: string };
    writeFileSync(join(bundleB, 'package.json'), JSON.stringify({ ...pkg, version: '0.1.1-upgrade' }));
    const config = { redis: { url: inject('redisUrl'), prefix }, heartbeatTtlMs: FAST_HEARTBEAT_TTL_MS, hosts: [{ ...th.hosts[0]!, slots: 3, env: ['MY_VAR'], daemonEnv: FAST_DAEMON_ENV }] };
    writeFileSync(join(dir, 'fleet.yaml'), JSON.stringify(config, null, 2));
    mkdirSync(join(dir, 'home'));
    cli = new UserCli(join(dir, 'fleet.yaml'), join(dir, 'home'), { MY_VAR: first });
    store = new FleetStore(createRedis(inject('redisUrl')), prefix);
  }, 300_000);

  afterAll(async () => {
    if (cli) await cli.run(['down', '--timeout', '5', '--kill']).catch(() => undefined);
    await store?.close();
    await th?.down();
    if (dir) removeDir(dir);
  }, 120_000);

  /** The CLI pointed at release B (bundleDir() takes $AGENTFLEET_BUNDLE). */
  const withB = (env: Record<string, string> = {}) => ({ env: { AGENTFLEET_BUNDLE: bundleB, ...env } });

  it('a newer bundle under a running run: up says the host runs an older release; up --restart drains it and release B takes over, every task exactly once', async () => {
    const up = await cli.ok(['up']);
    const oldPid = Number(/^kaze: started \(pid (\d+), 3 slots, release uploaded\)$/m.exec(up)?.[1]);
    expect(oldPid, up).toBeGreaterThan(0);
    const oldVersion = (await hostStatus(store, 'kaze'))!.version;

    const runId = await cli.submit(writeShellPlan(dir, 'under-upgrade', sleepers('u', 12, 3), { retries: 2 }));
    await waitFor('three tasks running', async () => (await hostStatus(store, 'kaze'))?.slots.busy === 3, 30_000, 100);

    const offer = await cli.ok(['up'], withB());
    expect(offer).toMatch(new RegExp(`^kaze: already running \\(pid ${oldPid}\\); it runs an older release \\([0-9a-f]{20}; deployed now: [0-9a-f]{20}\\): fleet up --restart kaze drains it \\(running tasks finish\\) and starts it again$`, 'm'));
    expect((await hostStatus(store, 'kaze'))?.pid).toBe(oldPid); // offered, not done

    const restartedAt = Date.now();
    const restart = await cli.ok(['up', '--restart'], withB());
    const newPid = Number(new RegExp(`^kaze: restarted \\(pid (\\d+); pid ${oldPid} drained first: its running tasks finished\\)$`, 'm').exec(restart)?.[1]);
    expect(newPid, restart).toBeGreaterThan(0);
    expect(await finished(store, runId)).toBe('succeeded');
    const report = await cli.report(runId);
    expect(report.tasks.filter((t) => t.status !== 'succeeded' || t.attempts !== 1)).toEqual([]);
    expect(report.tasks.filter((t) => Date.parse(t.startedAt!) > restartedAt).length).toBeGreaterThan(0);

    const host = (await hostStatus(store, 'kaze'))!;
    expect(host).toMatchObject({ up: true, pid: newPid });
    expect(host.version).toMatch(/^0\.1\.1-upgrade\+[0-9a-f]{12}$/);
    expect(host.version).not.toBe(oldVersion);
    const daemons = hostdsOf(user);
    expect(daemons).toHaveLength(1);
    expect(daemons[0]).toContain(`/.agentfleet/releases/${/[0-9a-f]{12}$/.exec(host.version)![0]}`);
    expect(await cli.ok(['up'], withB())).toBe(`kaze: already running (pid ${newPid})\n`);
  }, 240_000);

  it('a changed forwarded variable: up says the daemon runs with an older environment; up --restart applies it, no task lost', async () => {
    const running = (await hostStatus(store, 'kaze'))!.pid!;
    const changed = withB({ MY_VAR: second });
    expect(await cli.ok(['up'], changed)).toBe(
      `kaze: already running (pid ${running}); it runs with an older environment (MY_VAR changed): fleet up --restart kaze drains it (running tasks finish) and starts it again\n`,
    );
    // The start record on the host names the variable and hashes its value; the value is nowhere in it.
    const record = readFileSync(join(homeOnHost, 'hostd.json'), 'utf8');
    expect(record).toContain('"MY_VAR"');
    expect(record).not.toContain(first);

    const runId = await cli.submit(writeShellPlan(dir, 'under-env-change', [...sleepers('e', 6, 5), { id: 'sees-second', deps: ['e-1'], run: `test "$MY_VAR" = ${second}`, env: ['MY_VAR'] }], { retries: 2 }));
    await waitFor('three tasks running', async () => (await hostStatus(store, 'kaze'))?.slots.busy === 3, 30_000, 100);
    const restart = await cli.ok(['up', '--restart'], changed);
    expect(restart).toMatch(new RegExp(`^kaze: restarted \\(pid \\d+; pid ${running} drained first: its running tasks finished\\)$`, 'm'));
    expect(await finished(store, runId)).toBe('succeeded');
    const report = await cli.report(runId);
    expect(report.tasks.filter((t) => t.status !== 'succeeded' || t.attempts !== 1)).toEqual([]);
    expect(await cli.ok(['up'], changed)).toMatch(/^kaze: already running \(pid \d+\)\n$/);
    expect(readFileSync(join(homeOnHost, 'hostd.json'), 'utf8')).not.toContain(second);
  }, 240_000);
});
