// Plans that grow: an `expands: true` task writes a plan fragment to $AGENTFLEET_PLAN_OUT and
// its tasks join the running DAG between it and its dependents. Bad fragments fail their task
// with the parser's messages, nothing of them is added, and the run goes on without them.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunReport } from '@agentfleet/store';
import { ensureBuilt, g, makeOrigin, removeDir, requireBinaries, startUserFleet, tempDir, type UserCli, type UserFleet } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
let fleet: UserFleet;
let user: UserCli;
let root: string;

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  fleet = startUserFleet('grow', inject('redisUrl'), { slots: 3 });
  user = fleet.user;
  root = tempDir('grow');
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await fleet.stop();
  removeDir(root);
});

async function watched(name: string, text: string): Promise<{ code: number | null; report: RunReport }> {
  const res = await user.run(['run', user.file(name, text), '--watch', '--json'], { timeoutMs: 300_000 });
  const { runId } = JSON.parse(res.stdout) as { runId: string };
  return { code: res.code, report: await user.json<RunReport>(['report', runId, '--format', 'json']) };
}

/** A shell task whose command writes `fragment` (a heredoc) to $AGENTFLEET_PLAN_OUT. */
const writes = (fragment: string) => `    run: |\n      cat > "$AGENTFLEET_PLAN_OUT" <<'EOF'\n${fragment.replace(/^/gm, '      ')}\n      EOF\n`;

describe.runIf(ok)('plans that grow', () => {
  it('an expanding task adds 20 tasks: they run on its result, before its dependents, and are in the report', async () => {
    const { repo } = makeOrigin(root);
    const fragment = ['tasks:', ...Array.from({ length: 20 }, (_, i) => `  - { id: part-${i + 1}, run: "echo ${i + 1} > part-${i + 1}.txt && test -f plan.txt" }`)].join('\n');
    const text = `name: grows\nrepo: { url: "${repo}" }\ndefaults: { agent: shell, retries: 0, estimate: 1s }\ntasks:\n  - { id: analysis, run: "echo analysed > plan.txt" }\n  - id: plan\n    deps: [analysis]\n    expands: true\n${writes(fragment)}  - { id: review, deps: [plan], run: "ls part-*.txt | wc -l | grep -qx 20" }\n`;
    const { code, report } = await watched('grows.yaml', text);
    expect(code, JSON.stringify(report.tasks.filter((t) => t.status !== 'succeeded'))).toBe(0);
    expect(report.totals).toMatchObject({ tasks: 23, succeeded: 23 });
    const ids = report.tasks.map((t) => t.id);
    expect(ids.slice(0, 2)).toEqual(['analysis', 'plan']);
    expect(ids.slice(2, 22).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `plan-part-${i + 1}`).sort());
    expect(ids[22]).toBe('review');
    const plan = report.tasks.find((t) => t.id === 'plan')!;
    const review = report.tasks.find((t) => t.id === 'review')!;
    expect(plan.expanded).toBe(20);
    expect(review.deps).toHaveLength(21);
    for (const t of report.tasks.filter((x) => x.id.startsWith('plan-part-'))) {
      expect(Date.parse(t.startedAt!)).toBeGreaterThanOrEqual(Date.parse(plan.finishedAt!));
      expect(Date.parse(review.startedAt!)).toBeGreaterThanOrEqual(Date.parse(t.finishedAt!));
    }
    // the review merged every part's result; each part started from the plan's result
    expect(g(repo, 'show', `fleet/${report.run.id}/review:part-20.txt`)).toBe('20');
    expect(await user.ok(['report', report.run.id])).toMatch(/## Plan growth\n\n- \*\*plan\*\* added 20 tasks: plan-part-/);
  });

  it('fragments with a cycle, a duplicate id, an unknown dependency or 100,000 tasks are refused; the run goes on without them', async () => {
    const cycle = 'tasks:\n  - { id: a, agent: noop, deps: [b] }\n  - { id: b, agent: noop, deps: [a] }';
    const duplicate = 'tasks:\n  - { id: a, agent: noop }\n  - { id: a, agent: noop }';
    const unknown = 'tasks:\n  - { id: a, agent: noop, deps: [nowhere] }';
    const huge = `seq 100000 | awk 'BEGIN { printf "{\\"tasks\\":[" } { printf "%s{\\"id\\":\\"t%d\\",\\"agent\\":\\"noop\\"}", (NR > 1 ? "," : ""), $1 } END { print "]}" }' > "$AGENTFLEET_PLAN_OUT"`;
    const text =
      'name: refused\ndefaults: { agent: shell, retries: 1 }\ntasks:\n' +
      `  - id: cycle\n    expands: true\n${writes(cycle)}` +
      `  - id: dup\n    expands: true\n${writes(duplicate)}` +
      `  - id: unknown\n    expands: true\n${writes(unknown)}` +
      `  - id: huge\n    expands: true\n    run: |\n      ${huge}\n` +
      '  - { id: silent, expands: true, run: "true" }\n' +
      '  - { id: after, deps: [cycle], run: "true" }\n' +
      '  - { id: other, run: "echo still going" }\n';
    const { code, report } = await watched('refused.yaml', text);
    expect(code).toBe(1);
    const t = Object.fromEntries(report.tasks.map((x) => [x.id, x]));
    expect(report.tasks.map((x) => x.id).sort()).toEqual(['after', 'cycle', 'dup', 'huge', 'other', 'silent', 'unknown']);
    for (const id of ['cycle', 'dup', 'unknown', 'huge', 'silent']) expect(t[id], id).toMatchObject({ status: 'failed', attempts: 1, error: { kind: 'bad_fragment' }, expanded: null });
    expect(t.cycle!.error!.message).toBe("plan fragment refused, nothing of it added:\nAGENTFLEET_PLAN_OUT:2:34: task 'a': dependency cycle: a -> b -> a (each task depends on the one before it)");
    expect(t.dup!.error!.message).toBe("plan fragment refused, nothing of it added:\nAGENTFLEET_PLAN_OUT:3:11: task 'a': duplicate id 'a' (first defined at line 2)");
    expect(t.unknown!.error!.message).toBe("plan fragment refused, nothing of it added:\nAGENTFLEET_PLAN_OUT:2:34: task 'a': unknown dependency 'nowhere'");
    expect(t.huge!.error!.message).toMatch(/^plan fragment refused: the plan fragment is \d+ bytes, more than the 1048576 a fragment may have \(at most 500 tasks\)$/);
    expect(t.silent!.error!.message).toBe('task silent has expands: true but wrote no plan fragment to $AGENTFLEET_PLAN_OUT');
    expect(t.after).toMatchObject({ status: 'skipped', skippedBecause: 'cycle' });
    expect(t.other!.status).toBe('succeeded');
    expect(report.totals.tasks).toBe(7);
  });
});
