// `when:` and `after: any` as a user runs them: the fleet binary and a host daemon, shell
// tasks in scratch directories. The fix path runs exactly when the tests fail, a handled
// failure leaves the run succeeded, outputs steer conditions, and expressions that reach for
// JavaScript are plan errors.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunReport } from '@agentfleet/store';
import { describeFaults, ensureBuilt, invalidInputFaults, requireBinaries, runFleetCases, startUserFleet, type UserCli, type UserFleet } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
let fleet: UserFleet;
let user: UserCli;

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  fleet = startUserFleet('when', inject('redisUrl'));
  user = fleet.user;
}, 300_000);

afterAll(async () => {
  if (ok) await fleet.stop();
});

/** test -> fix (only when test failed) -> join (whichever ran); deploy needs test to pass. */
function fixPathPlan(testCommand: string): string {
  return [
    'name: fix-path',
    'defaults: { agent: shell, retries: 0, estimate: 1s }',
    'tasks:',
    `  - { id: test, run: "${testCommand}" }`,
    '  - id: fix',
    '    run: echo fixing',
    '    deps: [{ task: test, after: any }]',
    '    when: test.failed',
    '  - id: join',
    '    run: echo joined',
    '    deps: [{ task: test, after: any }, { task: fix, after: any }]',
    '  - { id: deploy, run: echo deploying, deps: [test] }',
    '',
  ].join('\n');
}

async function watched(name: string, text: string): Promise<{ code: number | null; report: RunReport }> {
  const res = await user.run(['run', user.file(name, text), '--watch', '--json']);
  const { runId } = JSON.parse(res.stdout) as { runId: string };
  return { code: res.code, report: await user.json<RunReport>(['report', runId, '--format', 'json']) };
}

const byId = (r: RunReport) => Object.fromEntries(r.tasks.map((t) => [t.id, t]));

describe.runIf(ok)('when and after: any', () => {
  it('the fix path runs when the tests fail: the failure is handled, the run succeeds (--watch exits 0), the report lists it', async () => {
    const { code, report } = await watched('fails.yaml', fixPathPlan('exit 3'));
    expect(code).toBe(0);
    expect(report.run.status).toBe('succeeded');
    const t = byId(report);
    expect(t.test).toMatchObject({ status: 'failed', handled: true, error: { kind: 'exit_code' } });
    expect(t.fix).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(t.join!.status).toBe('succeeded');
    expect(t.deploy).toMatchObject({ status: 'skipped', skipReason: 'failure', skippedBecause: 'test' });
    const md = await user.ok(['report', report.run.id]);
    expect(md).toContain('## Conditional paths');
    expect(md).toMatch(/- \*\*test\*\* failed \(exit_code\), handled by fix, join: exit code 3/);
    expect(md).not.toMatch(/## Problems\n\n- \*\*test\*\*/);
  });

  it('the fix path is skipped when the tests pass ("condition false"); the join after it still runs', async () => {
    const { code, report } = await watched('passes.yaml', fixPathPlan('true'));
    expect(code).toBe(0);
    const t = byId(report);
    expect(t.test!.status).toBe('succeeded');
    expect(t.fix).toMatchObject({ status: 'skipped', skipReason: 'condition', attempts: 0, error: { kind: 'skipped', message: 'condition false: test.failed' }, history: [] });
    expect(t.join!.status).toBe('succeeded');
    expect(t.deploy!.status).toBe('succeeded');
  });

  it('a failure nothing handles still fails the run', async () => {
    const text = 'name: unhandled\ndefaults: { agent: shell, retries: 0 }\ntasks:\n  - { id: test, run: "exit 1" }\n  - { id: fix, run: "true", deps: [{ task: test, after: any }], when: test.succeeded }\n';
    const { code, report } = await watched('unhandled.yaml', text);
    expect(code).toBe(1);
    expect(byId(report).test).toMatchObject({ status: 'failed', handled: false });
  });

  it('outputs written to $AGENTFLEET_OUTPUTS steer the conditions of dependents and show in the report', async () => {
    const text = [
      'name: outputs',
      'defaults: { agent: shell, retries: 0 }',
      'tasks:',
      `  - { id: analysis, run: "echo '{\\"risk\\": \\"high\\", \\"files\\": 3}' > \\"$AGENTFLEET_OUTPUTS\\"" }`,
      '  - { id: careful, run: "true", deps: [analysis], when: analysis.outputs.risk == "high" && analysis.outputs.files > 2 }',
      '  - { id: fast, run: "true", deps: [analysis], when: analysis.outputs.risk != "high" }',
      '  - { id: missing, run: "true", deps: [analysis], when: analysis.outputs.owner == "me" }',
      '',
    ].join('\n');
    const { report } = await watched('outputs.yaml', text);
    const t = byId(report);
    expect(t.analysis).toMatchObject({ status: 'succeeded', outputs: { risk: 'high', files: 3 } });
    expect(t.careful!.status).toBe('succeeded');
    expect(t.fast).toMatchObject({ status: 'skipped', skipReason: 'condition' });
    // a key that is not there is an error that names it, not a silent false
    expect(t.missing).toMatchObject({ status: 'failed', error: { kind: 'condition_error', message: 'task missing: when: analysis.outputs.owner == "me": field not found: owner' } });
    expect(await user.ok(['report', report.run.id])).toMatch(/## Outputs\n\n- \*\*analysis\*\*: `\{"risk":"high","files":3\}`/);
  });

  it('outputs that are not a JSON object within 64 KiB fail the task and say why', async () => {
    const text = [
      'name: bad-outputs',
      'defaults: { agent: shell, retries: 2 }',
      'tasks:',
      '  - id: list',
      '    run: |',
      `      echo '[1, 2]' > "$AGENTFLEET_OUTPUTS"`,
      '  - id: huge',
      '    run: |',
      `      printf '{"a": "%070000d"}' 0 > "$AGENTFLEET_OUTPUTS"`,
      '',
    ].join('\n');
    const { report } = await watched('bad-outputs.yaml', text);
    const t = byId(report);
    expect(t.list).toMatchObject({ status: 'failed', attempts: 1, error: { kind: 'bad_outputs', message: 'task list: $AGENTFLEET_OUTPUTS must hold a JSON object such as {"risk": "low"}, not a list' } });
    expect(t.huge!.error).toMatchObject({ kind: 'bad_outputs' });
    expect(t.huge!.error!.message).toMatch(/holds 700\d\d bytes, more than the 65536 \(64 KiB\) outputs may have/);
  });

  it('fleet plan check refuses expressions that reach for JavaScript, with file:line, exit 2, one line each', async () => {
    const exprs = ['test.constructor', 'test.outputs.__proto__ == 1', 'test.outputs["constructor"] == 1', 'size(test.outputs) > 0', 'test.status.startsWith("f")', 'tset.failed', 'test.failed &&'];
    const cases = exprs.map((e, i) => ({
      label: e,
      args: ['plan', 'check', user.file(`bad-${i}.yaml`, `defaults: { agent: shell }\ntasks:\n  - { id: test, run: "true" }\n  - id: fix\n    run: "true"\n    deps: [{ task: test, after: any }]\n    when: '${e}'\n`)],
    }));
    const outcomes = await runFleetCases(cases, user.environment());
    expect(describeFaults(outcomes, (o) => invalidInputFaults(o, /^\/.*bad-\d\.yaml:7:11: task 'fix': when: /))).toEqual([]);
    expect(outcomes.map((o) => o.stderr.split('\n').length - 1)).toEqual(exprs.map(() => 1));
  });
});
