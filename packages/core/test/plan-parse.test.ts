import { describe, expect, it } from 'vitest';
import { InputError, parsePlan, PLAN_DEFAULTS, type Plan } from '../src/index.js';

/** The formatted problem lines of a plan that must fail. */
function problems(text: string, file = 'plan.yaml'): string[] {
  try {
    parsePlan(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message.split('\n');
  }
  throw new Error('the plan was accepted');
}

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('parsePlan: valid plans', () => {
  it('applies PLAN_DEFAULTS when the plan has no defaults', () => {
    const plan = parsePlan(yaml('name: p', 'tasks:', '  - id: a', '    prompt: do a'), 'p.yaml');
    const a = plan.tasks[0]!;
    expect(plan.defaults).toEqual(PLAN_DEFAULTS);
    expect(plan.clean).toBe('all');
    expect(a).toMatchObject({
      id: 'a',
      title: 'a',
      agent: PLAN_DEFAULTS.agent,
      prompt: 'do a',
      deps: [],
      complexity: PLAN_DEFAULTS.complexity,
      risk: [],
      estimateMs: PLAN_DEFAULTS.estimateMs,
      timeoutMs: PLAN_DEFAULTS.timeoutMs,
      stallTimeoutMs: PLAN_DEFAULTS.stallTimeoutMs,
      retries: PLAN_DEFAULTS.retries,
      labels: [],
      inherit: true,
      line: 3,
      column: 5,
    });
  });

  it('applies the plan defaults, and task fields override them', () => {
    const plan = parsePlan(
      yaml(
        'name: issue-715',
        'repo: { url: "git@github.com:org/app.git", ref: main, push: origin }',
        'defaults: { agent: shell, timeout: 1h30m, retries: 0, backoff: 10s, estimate: 90s, stall_timeout: 2m, complexity: high }',
        'clean: keep-ignored',
        'tasks:',
        '  - { id: a, run: "npm test" }',
        '  - id: b',
        '    agent: claude',
        '    prompt_file: prompts/b.md',
        '    deps: [a, a]',
        '    estimate: 5m',
        '    timeout: 600',
        '    retries: 3',
        '    backoff: 500ms',
        '    complexity: low',
        '    risk: [security]',
        '    labels: [big, gpu]',
        '    inherit: false',
        '    review: { prompt: check it }',
      ),
      'plan.yaml',
    );
    expect(plan.name).toBe('issue-715');
    expect(plan.repo).toEqual({ url: 'git@github.com:org/app.git', ref: 'main', push: 'origin' });
    expect(plan.clean).toBe('keep-ignored');
    expect(plan.defaults).toEqual({ agent: 'shell', timeoutMs: 5_400_000, retries: 0, backoffMs: 10_000, estimateMs: 90_000, stallTimeoutMs: 120_000, complexity: 'high' });
    expect(plan.tasks[0]).toMatchObject({ agent: 'shell', run: 'npm test', estimateMs: 90_000, timeoutMs: 5_400_000, retries: 0, backoffMs: 10_000, complexity: 'high' });
    expect(plan.tasks[1]).toMatchObject({
      agent: 'claude',
      promptFile: 'prompts/b.md',
      deps: ['a'],
      estimateMs: 300_000,
      timeoutMs: 600_000,
      retries: 3,
      backoffMs: 500,
      complexity: 'low',
      risk: ['security'],
      labels: ['big', 'gpu'],
      inherit: false,
      review: { agent: 'claude', prompt: 'check it', rounds: 1 },
    });
  });

  it('reads JSON plans, and names a plan without a name after its file', () => {
    const plan: Plan = parsePlan(JSON.stringify({ tasks: [{ id: 'a', agent: 'noop' }] }), 'plans/Issue 715.json');
    expect(plan.name).toBe('issue-715');
    expect(plan.repo).toBeUndefined();
  });

  it('lets noop tasks go without prompt or run; repo.ref defaults to HEAD', () => {
    const plan = parsePlan(yaml('repo: { url: /srv/app.git }', 'tasks:', '  - { id: a, agent: noop }'), 'x.yaml');
    expect(plan.tasks[0]!.agent).toBe('noop');
    expect(plan.repo).toEqual({ url: '/srv/app.git', ref: 'HEAD' });
  });
});

describe('parsePlan: every problem kind, with its message and position', () => {
  it('duplicate ids point at the second one and name the first line', () => {
    expect(problems(yaml('tasks:', '  - { id: a, agent: noop }', '  - id: a', '    agent: noop'))).toEqual([
      "plan.yaml:3:9: task 'a': duplicate id 'a' (first defined at line 2)",
    ]);
  });

  it('unknown dependencies, with a suggestion when one is close', () => {
    expect(problems(yaml('tasks:', '  - { id: analysis, agent: noop }', '  - id: impl', '    agent: noop', '    deps: [analysis, analysys, zzz]'))).toEqual([
      "plan.yaml:5:22: task 'impl': unknown dependency 'analysys' (did you mean 'analysis'?)",
      "plan.yaml:5:32: task 'impl': unknown dependency 'zzz'",
    ]);
  });

  it('self-dependencies', () => {
    expect(problems(yaml('tasks:', '  - id: a', '    agent: noop', '    deps:', '      - a'))).toEqual(["plan.yaml:5:9: task 'a': depends on itself"]);
  });

  it('unknown keys at the top, in a task and nested, with suggestions', () => {
    expect(
      problems(
        yaml('name: p', 'task: []', 'repo: { url: x, branch: main }', 'tasks:', '  - id: a', '    agent: noop', '    dep: [b]', '    review: { prompt: p, round: 2 }'),
      ),
    ).toEqual([
      "plan.yaml:2:1: unknown key 'task' (did you mean 'tasks'?)",
      "plan.yaml:3:17: unknown key 'branch' in repo",
      "plan.yaml:7:5: task 'a': unknown key 'dep' (did you mean 'deps'?)",
      "plan.yaml:8:26: task 'a': unknown key 'round' in review (did you mean 'rounds'?)",
    ]);
  });

  it('cycles, printed as a path and located at the dependency that closes them', () => {
    expect(
      problems(
        yaml(
          'defaults: { agent: noop }',
          'tasks:',
          '  - { id: a, deps: [c] }',
          '  - { id: b, deps: [a] }',
          '  - { id: c, deps: [b] }',
          '  - { id: x, deps: [y] }',
          '  - { id: y, deps: [x] }',
          '  - { id: z, deps: [a] }',
        ),
      ),
    ).toEqual([
      "plan.yaml:3:21: task 'a': dependency cycle: a -> b -> c -> a (each task depends on the one before it)",
      "plan.yaml:6:21: task 'x': dependency cycle: x -> y -> x (each task depends on the one before it)",
    ]);
  });

  it('ids outside [a-z0-9][a-z0-9_-]{0,62}', () => {
    const long = 'a'.repeat(64);
    const lines = problems(yaml('defaults: { agent: noop }', 'tasks:', '  - id: Impl', '  - id: -x', `  - id: ${long}`, '  - id: 7'));
    expect(lines).toEqual([
      "plan.yaml:3:9: task 'Impl': id: 'Impl' is invalid: task ids are lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters",
      "plan.yaml:4:9: task '-x': id: '-x' is invalid: task ids are lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters",
      `plan.yaml:5:9: task '${long}': id: '${long}' is invalid: task ids are lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters`,
      'plan.yaml:6:9: id: expected a string, got the number 7',
    ]);
  });

  it('a missing id', () => {
    expect(problems(yaml('tasks:', '  - agent: noop'))).toEqual(["plan.yaml:2:5: 'id' is required"]);
  });

  it('bad durations', () => {
    expect(problems(yaml('defaults: { timeout: 5x }', 'tasks:', '  - id: a', '    agent: noop', '    estimate: 5x', '    stall_timeout: 0s', '    timeout: [1]'))).toEqual([
      "plan.yaml:1:22: defaults.timeout: '5x' is not a duration (write e.g. 90s, 5m, 1h30m)",
      "plan.yaml:5:15: task 'a': estimate: '5x' is not a duration (write e.g. 90s, 5m, 1h30m)",
      "plan.yaml:6:20: task 'a': stall_timeout: must be longer than 0, not '0s'",
      "plan.yaml:7:14: task 'a': timeout: a list is not a duration (write e.g. 90s, 5m, 1h30m)",
    ]);
  });

  it('an agent task with neither or both of prompt and prompt_file', () => {
    expect(problems(yaml('tasks:', '  - id: a', '    agent: llm', '  - id: b', '    prompt: x', '    prompt_file: b.md', '  - id: c', '    agent: claude', '    run: ls'))).toEqual([
      "plan.yaml:2:5: task 'a': agent 'llm' needs a prompt: give 'prompt' or 'prompt_file'",
      "plan.yaml:6:5: task 'b': has both 'prompt' and 'prompt_file': keep one",
      "plan.yaml:7:5: task 'c': agent 'claude' needs a prompt: give 'prompt' or 'prompt_file'",
      "plan.yaml:9:5: task 'c': 'run' is for shell tasks, but this task's agent is 'claude' (set agent: shell)",
    ]);
  });

  it('a shell task without run (and with a prompt it would ignore)', () => {
    expect(problems(yaml('defaults: { agent: shell }', 'tasks:', '  - id: a', '  - id: b', '    prompt: x', '    run: ""'))).toEqual([
      "plan.yaml:3:5: task 'a': shell task needs 'run': the command to execute",
      "plan.yaml:5:5: task 'b': 'prompt' is not used by shell tasks (they execute 'run')",
      "plan.yaml:6:10: task 'b': run must not be empty",
    ]);
  });

  it('an empty plan: no document, no tasks key, an empty list', () => {
    const message = "the plan has no tasks: list at least one under 'tasks:'";
    expect(problems('')).toEqual([`plan.yaml:1:1: ${message}`]);
    expect(problems(yaml('# nothing yet', 'name: p'))).toEqual([`plan.yaml:2:1: ${message}`]);
    expect(problems(yaml('name: p', 'tasks: []'))).toEqual([`plan.yaml:2:1: ${message}`]);
  });

  it('labels that are not strings (or not label-shaped)', () => {
    expect(problems(yaml('tasks:', '  - id: a', '    agent: noop', '    labels: [big, 3, true, "Big GPU"]'))).toEqual([
      "plan.yaml:4:19: task 'a': labels[1]: expected a string, got the number 3",
      "plan.yaml:4:22: task 'a': labels[2]: expected a string, got the boolean true",
      "plan.yaml:4:28: task 'a': labels[3]: 'Big GPU' is invalid: labels are lowercase letters, digits, - and _, starting with a letter or digit, at most 32 characters",
    ]);
    expect(problems(yaml('tasks:', '  - id: a', '    agent: noop', '    labels: big'))).toEqual(["plan.yaml:4:13: task 'a': labels: expected a list, got the string 'big'"]);
  });

  it('a name that is not a safe slug, enums, numbers out of range, a plan that is not a mapping', () => {
    expect(problems(yaml('name: My Plan', 'clean: some', 'tasks:', '  - id: a', '    agent: codx', '    retries: 99', '    complexity: huge'))).toEqual([
      "plan.yaml:1:7: name: 'My Plan' is invalid: plan names are lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters",
      "plan.yaml:2:8: clean: 'some' is not one of all, keep-ignored",
      "plan.yaml:5:12: task 'a': agent: 'codx' is not one of shell, codex, claude, llm, noop, gemini, approval (did you mean 'codex'?)",
      "plan.yaml:6:14: task 'a': retries: 99 is more than the maximum 20",
      "plan.yaml:7:17: task 'a': complexity: 'huge' is not one of low, medium, high",
    ]);
    expect(problems('- a\n- b\n')).toEqual(["plan.yaml:1:1: a plan is a mapping with 'tasks:', not a list"]);
  });

  it('reports every problem at once, in file order, one per line', () => {
    const lines = problems(
      yaml('name: p', 'tasks:', '  - id: a', '    deps: [missing]', '  - id: a', '    agent: shell', '  - id: B', '    agent: noop', '    estimate: 5x', '    colour: red'),
    );
    expect(lines).toEqual([
      "plan.yaml:3:5: task 'a': agent 'codex' needs a prompt: give 'prompt' or 'prompt_file'",
      "plan.yaml:4:12: task 'a': unknown dependency 'missing'",
      "plan.yaml:5:5: task 'a': shell task needs 'run': the command to execute",
      "plan.yaml:5:9: task 'a': duplicate id 'a' (first defined at line 3)",
      "plan.yaml:7:9: task 'B': id: 'B' is invalid: task ids are lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters",
      "plan.yaml:9:15: task 'B': estimate: '5x' is not a duration (write e.g. 90s, 5m, 1h30m)",
      "plan.yaml:10:5: task 'B': unknown key 'colour'",
    ]);
  });

  it('gives JSON plans the same located messages', () => {
    const text = '{\n  "tasks": [\n    { "id": "a", "agent": "noop", "deps": ["b"] }\n  ]\n}\n';
    expect(problems(text, 'plan.json')).toEqual(["plan.json:3:44: task 'a': unknown dependency 'b'"]);
  });

  it('reads a big JSON plan quickly (JSON.parse), locating problems only when there are some', () => {
    const tasks = Array.from({ length: 20_000 }, (_, i) => ({ id: `t${i}`, agent: 'noop', deps: i > 0 ? [`t${i - 1}`, `nope${i}`] : [] }));
    const text = JSON.stringify({ tasks });
    expect(text.length).toBeGreaterThan(1 << 20);
    const validText = JSON.stringify({ tasks: tasks.map((t) => ({ ...t, title: `Task number ${t.id}`, deps: t.deps.slice(0, 1) })) });
    expect(validText.length).toBeGreaterThan(1 << 20);
    const valid = parsePlan(validText, 'big.json');
    expect(valid.tasks).toHaveLength(20_000);
    expect(valid.tasks[1]).toMatchObject({ id: 't1', deps: ['t0'] });
    expect(valid.tasks[1]!.line).toBeUndefined();
    const lines = problems(text, 'big.json');
    expect(lines).toHaveLength(19_999);
    expect(lines[0]).toMatch(/^big\.json:1:\d+: task 't1': unknown dependency 'nope1'$/);
  });
});
