// A host that cannot sandbox, through the `fleet` binary and the local fleet's daemon: bwrap is
// not where the daemon looks (AGENTFLEET_BWRAP, as a host without bubblewrap) or cannot create
// its namespaces (a bwrap that always fails). It never falls back to running tasks unconfined:
// `fleet up`, `fleet hosts`, `fleet run` and `fleet doctor` say why, a `sandbox: none` task
// runs, a sandboxed one waits; once the host can sandbox (fleet up --restart) it runs.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FleetStore, HostStatus } from '@agentfleet/store';
import { ensureBuilt, localFleetHome, requireBinaries, runEnded, writeShellPlan, type LocalFleetHome, type UserCli } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git', 'bwrap');
if (!ok && process.env.CI === 'true') throw new Error('missing prerequisite under CI: redis-server, git and bwrap (scripts/bootstrap installs them)');

const MISSING = 'bubblewrap (bwrap) is not installed: apt-get install bubblewrap';

describe.runIf(ok)('a host that cannot sandbox', () => {
  const prefix = `sbh-${process.pid}`;
  let dir: string;
  let cli: UserCli;
  let store: FleetStore;
  let fleet: LocalFleetHome | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    fleet = localFleetHome('sandbox-host', inject('redisUrl'), prefix, 1);
    ({ dir, cli, store } = fleet);
  }, 300_000);

  afterAll(async () => {
    await fleet?.stop();
  }, 120_000);

  it('says why wherever people look, runs sandbox: none tasks only, and runs the rest once it can sandbox', async () => {
    const noBwrap = { AGENTFLEET_BWRAP: join(dir, 'no-such', 'bwrap') };
    const up = await cli.ok(['up'], { env: noBwrap });
    expect(up).toMatch(/^local: started \(pid \d+, 1 slots\); /m);
    expect(up.trim().split('; ').at(-1)).toBe(`cannot sandbox (${MISSING}): it takes only sandbox: none tasks`);
    const [host] = (JSON.parse(await cli.ok(['hosts', '--json'])) as HostStatus[]).filter((h) => h.name === 'local');
    expect(host?.sandbox).toEqual({ mode: 'bwrap', ok: false, reason: MISSING });
    expect(await cli.ok(['hosts'])).toContain(`cannot sandbox (${MISSING}): it takes only sandbox: none tasks`);

    const plan = writeShellPlan(dir, 'mixed', [
      { id: 'wants-sandbox', run: 'echo ran > ran.txt' },
      { id: 'unconfined', run: 'echo ran > ran.txt', sandbox: 'none' },
    ]);
    const submitted = await cli.run(['run', plan, '--json'], { env: noBwrap });
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(submitted.stderr).toContain(`fleet: this machine cannot sandbox (${MISSING}): it takes only sandbox: none tasks; tasks that need the sandbox wait for a host that has one (fleet doctor)`);
    const runId = (JSON.parse(submitted.stdout) as { runId: string }).runId;
    const report = async () => cli.report(runId);
    await expect.poll(async () => (await report()).tasks.find((t) => t.id === 'unconfined')?.status, { timeout: 30_000 }).toBe('succeeded');
    // seconds later the sandboxed task has not been started unconfined, nor failed
    await new Promise((r) => setTimeout(r, 3000));
    expect((await report()).tasks.find((t) => t.id === 'wants-sandbox')).toMatchObject({ status: 'queued', attempts: 0, startedAt: null });

    const doctor = await cli.run(['doctor', '--json'], { env: noBwrap });
    expect(doctor.code).toBe(1);
    const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; status: string; detail: string }[] }).checks;
    expect(checks.find((c) => c.name === 'sandbox local')).toEqual(expect.objectContaining({ status: 'fail', detail: `${MISSING}; the host refuses sandboxed tasks (only sandbox: none tasks run there)` }));
    const broken = await cli.run(['doctor'], { env: { AGENTFLEET_BWRAP: '/bin/false' } });
    expect(broken.stdout).toMatch(/^FAIL sandbox local: bwrap cannot create the sandbox's namespaces here \(exit code 1\): check that user namespaces are enabled/m);
    expect((await cli.run(['doctor'])).stdout).toMatch(/^ok {3}sandbox local {2}bubblewrap \d+\.\d+\.\d+: user, pid, network, mount, ipc and uts namespaces$/m);

    // bwrap found again: the restarted daemon sandboxes, and the waiting task runs in the sandbox
    const restarted = await cli.ok(['up', '--restart']);
    expect(restarted).toMatch(/^local: restarted \(pid \d+;/m);
    expect(restarted).not.toContain('cannot sandbox');
    expect(await runEnded(store, runId, 60_000)).toBe('succeeded');
    const json = JSON.parse(await cli.ok(['report', runId, '--format', 'json'])) as { tasks: { id: string; history: { sandbox: string }[] }[] };
    expect(Object.fromEntries(json.tasks.map((t) => [t.id, t.history.map((h) => h.sandbox)]))).toEqual({ 'wants-sandbox': ['bwrap'], unconfined: ['none'] });
    const md = await cli.ok(['report', runId]);
    expect(md).toContain('## Sandbox');
    expect(md).toContain('- **wants-sandbox**: bwrap, network full; no named variables');
    expect(md).toContain('- **unconfined**: none (unconfined); no named variables');
  }, 180_000);
});
