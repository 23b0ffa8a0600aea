// Plan fragments (`expands: true`): the plan parser's checks, then the fragment's place in the
// running DAG. A bad fragment is refused whole, with every problem at once.
import { describe, expect, it } from 'vitest';
import { FRAGMENT_LIMITS, InputError, parseFragment, parsePlan, PLAN_DEFAULTS, type FragmentContext } from '../src/index.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const ctx = (existing: Record<string, string> = {}): FragmentContext => ({
  parentId: 'plan',
  defaults: { ...PLAN_DEFAULTS, agent: 'shell', retries: 0, timeoutMs: 60_000 },
  existing: new Map(Object.entries({ analysis: 'succeeded', plan: 'running', review: 'blocked', ...existing })),
});

function refused(text: string, context = ctx()): string[] {
  try {
    parseFragment(text, 'fragment.yaml', context);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).message.split('\n');
  }
  throw new Error('the fragment was accepted');
}

describe('parseFragment', () => {
  it('renames ids to <parent>-<id>, applies the running plan\'s defaults, roots depend on the parent', () => {
    const tasks = parseFragment(
      yaml('tasks:', '  - { id: a, run: "true" }', '  - { id: b, run: "true", deps: [a, analysis] }', '  - id: c', '    run: "true"', '    deps: [{ task: b, after: any }]', '    when: b.failed'),
      'fragment.yaml',
      ctx(),
    );
    expect(tasks.map((t) => [t.id, t.deps, t.agent, t.retries, t.timeoutMs])).toEqual([
      ['plan-a', ['plan'], 'shell', 0, 60_000],
      ['plan-b', ['plan-a', 'analysis'], 'shell', 0, 60_000],
      ['plan-c', ['plan-b'], 'shell', 0, 60_000],
    ]);
    expect(tasks[2]).toMatchObject({ title: 'plan-c', anyDeps: ['plan-b'], when: { expression: 'b.failed', names: { b: 'plan-b' } }, line: 4 });
  });

  it('JSON fragments are fragments too; an empty task list adds nothing', () => {
    expect(parseFragment('{"tasks":[{"id":"x","agent":"noop"}]}', 'fragment.json', ctx()).map((t) => t.id)).toEqual(['plan-x']);
    expect(parseFragment('tasks: []\n', 'fragment.yaml', ctx())).toEqual([]);
  });

  it('refuses a cycle, a duplicate id, an unknown dependency, with the parser\'s located messages', () => {
    expect(refused(yaml('tasks:', '  - { id: a, run: "true", deps: [b] }', '  - { id: b, run: "true", deps: [a] }', '  - { id: b, run: "true" }', '  - { id: d, run: "true", deps: [nope] }'))).toEqual([
      "fragment.yaml:2:34: task 'a': dependency cycle: a -> b -> a (each task depends on the one before it)",
      "fragment.yaml:4:11: task 'b': duplicate id 'b' (first defined at line 3)",
      "fragment.yaml:5:34: task 'd': unknown dependency 'nope'",
    ]);
  });

  it('refuses ids past 63 characters, ids the run has, dependencies that have not succeeded, prompt files, plan-level keys', () => {
    const long = 'x'.repeat(60);
    expect(refused(yaml('name: more', 'tasks:', `  - { id: ${long}, run: "true" }`))).toEqual(["fragment.yaml:1:1: a plan fragment holds tasks only: 'name' comes from the running plan"]);
    expect(refused(yaml('tasks:', `  - { id: ${long}, run: "true" }`, '  - { id: a, run: "true" }', '  - { id: b, run: "true", deps: [review] }', '  - { id: c, agent: llm, prompt_file: p.md }'), ctx({ 'plan-a': 'queued' }))).toEqual([
      `fragment.yaml:2:5: task '${long}': id '${long}' becomes 'plan-${long}' in the run, longer than 63 characters`,
      "fragment.yaml:3:5: task 'a': id 'a' becomes 'plan-a', a task the run has already",
      "fragment.yaml:4:5: task 'b': depends on 'review', which is blocked: a fragment's tasks may depend on each other and on tasks that have succeeded",
      "fragment.yaml:5:5: task 'c': prompt_file 'p.md' cannot be read in a plan fragment: write the prompt inline",
    ]);
  });

  it('refuses 100,000 tasks by their size, and more tasks than the limit by their count', () => {
    const huge = JSON.stringify({ tasks: Array.from({ length: 100_000 }, (_, i) => ({ id: `t${i}`, agent: 'noop' })) });
    expect(refused(huge)).toEqual([`fragment.yaml: the plan fragment is ${Buffer.byteLength(huge)} bytes, more than the ${FRAGMENT_LIMITS.maxBytes} a fragment may have (at most ${FRAGMENT_LIMITS.maxTasks} tasks)`]);
    const many = JSON.stringify({ tasks: Array.from({ length: FRAGMENT_LIMITS.maxTasks + 1 }, (_, i) => ({ id: `t${i}`, agent: 'noop' })) });
    expect(refused(many)).toEqual([`fragment.yaml: the plan fragment has ${FRAGMENT_LIMITS.maxTasks + 1} tasks, more than the ${FRAGMENT_LIMITS.maxTasks} a fragment may add`]);
  });

  it('a plan with expands and approval keys parses them', () => {
    const plan = parsePlan(yaml('tasks:', '  - { id: plan, agent: shell, run: "true", expands: true, approval: { on_timeout: approve, timeout: 1h } }', '  - { id: gate, agent: approval, deps: [plan] }'), 'p.yaml');
    expect(plan.tasks[0]).toMatchObject({ expands: true, approval: { onTimeout: 'approve', timeoutMs: 3_600_000 } });
    expect(plan.tasks[1]).toMatchObject({ agent: 'approval', approval: { onTimeout: 'reject' } });
  });
});
