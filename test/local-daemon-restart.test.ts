// The local fleet's daemon (no hosts configured) through the `fleet` binary, a real Redis and
// real daemons: it keeps the environment it was started with, and `fleet run`, `fleet retry`
// and `fleet up` say when this shell's differs; `fleet up --restart` drains it (running tasks
// finish) and starts it again, with no task lost. And version skew: an old daemon
// (AGENTFLEET_PROTOCOL=1) leaves a protocol-2 run alone and says so; a current one takes it.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROTOCOL_VERSION } from '@agentfleet/core';
import type { FleetStore, HostStatus } from '@agentfleet/store';
import { ensureBuilt, hostStatus, localFleetHome, requireBinaries, runEnded, sleepers, writeShellPlan, waitFor, workerPids, type LocalFleetHome, type UserCli } from '@agentfleet/testkit';

const enabled = requireBinaries('redis-server', 'git');

const finished = (store: FleetStore, runId: string) => runEnded(store, runId, 90_000, 250);
/** A task that succeeds only when its agent sees MY_VAR (which it names) with this value. */
const seesMyVar = (value: string) => [{ id: 'sees-my-var', run: `test "$MY_VAR" = ${value}`, env: ['MY_VAR'] }];
const startedPid = (out: string) => Number(/^local: (?:started|restarted) \(pid (\d+)/m.exec(out)?.[1]);

describe.runIf(enabled)('the local fleet daemon: its environment, fleet up --restart, version skew', () => {
  const prefix = `ldr-${process.pid}`;
  const [one, two, three] = [randomBytes(6).toString('hex'), randomBytes(6).toString('hex'), randomBytes(6).toString('hex')];
  let dir: string;
  let cli: UserCli;
  let store: FleetStore;
  let fleet: LocalFleetHome | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    fleet = localFleetHome('local-restart', inject('redisUrl'), prefix, 2);
    ({ dir, cli, store } = fleet);
  }, 300_000);

  afterAll(async () => {
    await fleet?.stop();
  }, 120_000);

  async function expectEveryTaskOnce(runId: string): Promise<void> {
    expect(await finished(store, runId)).toBe('succeeded');
    const report = await cli.report(runId);
    expect(report.tasks.filter((t) => t.status !== 'succeeded' || t.attempts !== 1)).toEqual([]);
  }

  it('a changed variable: run, retry and up say the daemon runs with an older environment; up --restart applies it while tasks run, none lost', async () => {
    const up = await cli.ok(['up'], { env: { MY_VAR: one } });
    expect(up).toMatch(/^local: started \(pid \d+, 2 slots\)$/m);
    const first = startedPid(up);
    expect(await cli.ok(['up'], { env: { MY_VAR: one } })).toBe(`local: already running (pid ${first})\n`);
    // The start record holds the variable's name and a hash, never its value.
    const record = readFileSync(join(cli.home, 'hostd.json'), 'utf8');
    expect(record).toContain('"MY_VAR"');
    expect(record).not.toContain(one);

    // This shell now has another value: the daemon keeps the old one, and each command says so.
    const check = await cli.run(['run', writeShellPlan(dir, 'check', seesMyVar(two)), '--json'], { env: { MY_VAR: two } });
    expect(check.code, check.stderr).toBe(0);
    const older = `fleet: the local host daemon (pid ${first}) runs with an older environment (MY_VAR changed); fleet up --restart applies it (running tasks finish first)`;
    expect(check.stderr.trim()).toBe(older);
    const checkRun = (JSON.parse(check.stdout) as { runId: string }).runId;
    expect(await finished(store, checkRun)).toBe('failed');
    const retried = await cli.run(['retry', checkRun], { env: { MY_VAR: two } });
    expect(retried.stdout).toContain(`re-queued 1 tasks of ${checkRun}`);
    expect(retried.stderr.trim()).toBe(older);
    expect(await finished(store, checkRun)).toBe('failed');
    expect(await cli.ok(['up'], { env: { MY_VAR: two } })).toBe(
      `local: already running (pid ${first}); it runs with an older environment (MY_VAR changed): fleet up --restart drains it (running tasks finish) and starts it again\n`,
    );

    // --restart while both workers run tasks: they finish on the old daemon, the rest run on the new one.
    const busyRun = await cli.submit(writeShellPlan(dir, 'busy', sleepers('b', 6, 3)));
    await waitFor('both workers busy', async () => (await hostStatus(store, 'local'))?.slots.busy === 2, 30_000, 100);
    const restart = await cli.ok(['up', '--restart'], { env: { MY_VAR: two } });
    expect(restart).toMatch(new RegExp(`^local: restarted \\(pid \\d+; pid ${first} drained first: its running tasks finished\\)$`, 'm'));
    const second = startedPid(restart);
    expect(second).not.toBe(first);
    expect((await hostStatus(store, 'local'))?.pid).toBe(second);
    expect((await store.read.get(busyRun)).status).toBe('running');
    await expectEveryTaskOnce(busyRun);

    // The retried task ran again after the restart: it sees the new value now.
    await cli.ok(['retry', checkRun], { env: { MY_VAR: two } });
    expect(await finished(store, checkRun)).toBe('succeeded');
    const after = await cli.run(['run', writeShellPlan(dir, 'after', seesMyVar(two)), '--watch'], { env: { MY_VAR: two } });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).not.toContain('older environment');
    expect(await cli.ok(['up'], { env: { MY_VAR: two } })).toBe(`local: already running (pid ${second})\n`);
  }, 240_000);

  it('an old daemon (AGENTFLEET_PROTOCOL=1) leaves a protocol-2 run alone and says so; a current one then takes it, every task once', async () => {
    const oldUp = await cli.ok(['up', '--restart'], { env: { MY_VAR: three, AGENTFLEET_PROTOCOL: '1' } });
    const old = startedPid(oldUp);
    await waitFor('the old daemon up, speaking protocol 1', async () => {
      const h = await hostStatus(store, 'local');
      return h?.up && h.pid === old && h.protocol === 1 && h.slots.idle === 2;
    }, 30_000, 100);

    const runId = await cli.submit(writeShellPlan(dir, 'newer', sleepers('n', 4, 0.5)));
    expect((await store.read.get(runId)).status).toBe('queued');
    const notice = `runs need protocol ${PROTOCOL_VERSION}; this daemon speaks 1: redeploy with fleet up --restart`;
    const host = await waitFor('the notice in the heartbeat', async () => {
      const [h] = (JSON.parse(await cli.ok(['hosts', '--json'])) as HostStatus[]).filter((x) => x.name === 'local');
      return h?.protocolNotice ? h : undefined;
    }, 15_000, 250);
    expect(host).toMatchObject({ up: true, protocol: 1, protocolNotice: notice, acceptingWork: true });
    expect(await cli.ok(['hosts'])).toContain(notice);
    // Seconds later the old daemon has still taken none of the run's tasks.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await cli.report(runId)).tasks.map((t) => [t.status, t.startedAt])).toEqual(Array(4).fill(['queued', null]));
    expect(readFileSync(join(cli.home, 'logs', 'hostd.log'), 'utf8')).toContain(`${notice}; tasks of those runs are left to daemons that speak it`);
    // fleet up offers the redeploy; with AGENTFLEET_PROTOCOL gone from the shell, --restart applies it.
    const offer = await cli.ok(['up'], { env: { MY_VAR: three } });
    expect(offer).toContain(`local: already running (pid ${old}); it speaks protocol 1 (this release speaks ${PROTOCOL_VERSION}); it runs with an older environment (AGENTFLEET_PROTOCOL unset): fleet up --restart`);

    const current = startedPid(await cli.ok(['up', '--restart'], { env: { MY_VAR: three } }));
    await expectEveryTaskOnce(runId);
    expect(await hostStatus(store, 'local')).toMatchObject({ pid: current, protocol: PROTOCOL_VERSION, protocolNotice: null });
    expect((await cli.report(runId)).tasks.every((t) => t.host === 'local')).toBe(true);
  }, 180_000);

  it('a daemon of an older release (it removes the pid file on exit, whoever it names) is replaced too', async () => {
    await cli.ok(['down']);
    const pidFile = join(cli.home, 'hostd.pid');
    // It stands in for such a daemon: its command line names hostd.js; on SIGTERM it drains a moment, removes the pid file, exits.
    const drain = `process.on('SIGTERM', () => setTimeout(() => { require('node:fs').rmSync(${JSON.stringify(pidFile)}, { force: true }); process.exit(0); }, 1500));`;
    const old = spawn(process.execPath, ['-e', `${drain} setInterval(() => {}, 1000);`, join(dir, 'old-release', 'hostd.js')], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => old.once('exit', r));
    await new Promise((r) => old.once('spawn', r));
    writeFileSync(pidFile, `${old.pid}\n`);
    const out = await cli.ok(['up', '--restart']);
    expect(out).toMatch(new RegExp(`^local: restarted \\(pid \\d+; pid ${old.pid} drained first: its running tasks finished\\)$`, 'm'));
    expect(await exited).toBe(0);
    const current = startedPid(out);
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(current));
    expect((await hostStatus(store, 'local'))?.pid).toBe(current);
  }, 60_000);

  it('fleet down stops the daemon (and nothing of it is left); fleet up without hosts takes only local as a host name', async () => {
    expect(await cli.ok(['down'])).toContain('local host daemon stopped');
    expect(workerPids(cli.home)).toEqual([]);
    const other = await cli.run(['up', 'mugen']);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe("unknown host 'mugen': no hosts in fleet.yaml, so the fleet is this machine (fleet up, or fleet up local)\n");
  }, 60_000);
});
