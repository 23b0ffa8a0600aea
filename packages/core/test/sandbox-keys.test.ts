// Plan and fleet.yaml keys of least privilege: sandbox, network, env (the bad-input side through
// the fleet binary is in test/sandbox-cli.test.ts).
import { describe, expect, it } from 'vitest';
import { InputError, mergeQueueTask, parseConfig, parsePlan } from '../src/index.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

function problems(text: string): string[] {
  try {
    parsePlan(text, 'p.yaml');
  } catch (e) {
    if (e instanceof InputError) return e.message.split('\n');
    throw e;
  }
  return [];
}

describe('sandbox, network, env', () => {
  it('a task takes its own, else the defaults; env of a task replaces the defaults\' list; unset means as the host is configured', () => {
    const plan = parsePlan(
      yaml('defaults: { agent: llm, network: none, env: [NPM_TOKEN, NPM_TOKEN] }', 'tasks:', '  - id: a', '    prompt: p', '  - id: b', '    agent: shell', '    run: make', '    sandbox: none', '    network: full', '    env: [GH_TOKEN]', '  - id: c', '    prompt: p', '    env: []'),
      'p.yaml',
    );
    expect(plan.tasks[0]).toMatchObject({ network: 'none', env: ['NPM_TOKEN'] });
    expect(plan.tasks[0]!.sandbox).toBeUndefined();
    expect(plan.tasks[1]).toMatchObject({ sandbox: 'none', network: 'full', env: ['GH_TOKEN'] });
    expect(plan.tasks[2]!.env).toBeUndefined();
    const bare = parsePlan(yaml('tasks:', '  - id: a', '    prompt: p'), 'p.yaml').tasks[0]!;
    expect([bare.sandbox, bare.network, bare.env]).toEqual([undefined, undefined, undefined]);
  });

  it('setup keeps its network unless it says none; the merge queue runs as the defaults say', () => {
    const plan = parsePlan(yaml('repo: { url: ., setup: { run: npm ci, network: none } }', 'defaults: { sandbox: bwrap, network: none, env: [A] }', 'integrate: { check: make }', 'tasks:', '  - id: a', '    agent: llm', '    prompt: p'), 'p.yaml');
    expect(plan.repo!.setup!.network).toBe('none');
    expect(parsePlan(yaml('repo: { url: ., setup: { run: npm ci } }', 'tasks:', '  - id: a', '    prompt: p'), 'p.yaml').repo!.setup!.network).toBeUndefined();
    expect(mergeQueueTask(plan, 'int')).toMatchObject({ sandbox: 'bwrap', network: 'none', env: ['A'] });
  });

  it('network: none for an agent that calls its provider itself, or without a sandbox, is a located problem', () => {
    const found = problems(yaml('defaults: { network: none }', 'tasks:', '  - id: a', '    prompt: p', '  - id: b', '    agent: claude', '    prompt: p', '    network: none', '  - id: c', '    agent: shell', '    run: make', '    sandbox: none'));
    expect(found).toEqual([
      "p.yaml:1:13: task 'a': network: none cuts agent 'codex' off from its provider (its CLI calls the model from inside the sandbox): give this task network: full, or use agent llm, whose model calls the worker makes",
      "p.yaml:1:13: task 'c': network: none needs the sandbox: with sandbox: none nothing cuts the network of this task",
      "p.yaml:8:5: task 'b': network: none cuts agent 'claude' off from its provider (its CLI calls the model from inside the sandbox): give this task network: full, or use agent llm, whose model calls the worker makes",
    ]);
    expect(problems(yaml('repo: { url: ., setup: { run: npm ci, network: none } }', 'tasks:', '  - id: a', '    agent: shell', '    run: make', '    sandbox: none'))).toEqual([
      "p.yaml:6:5: task 'a': repo.setup has network: none, which needs the sandbox, but this task runs with sandbox: none",
    ]);
    expect(problems(yaml('defaults: { network: none, agent: llm }', 'integrate: { resolver: codex }', 'tasks:', '  - id: a', '    prompt: p'))).toEqual([
      "p.yaml:2:14: the merge queue runs with the defaults' network: none, which cuts its resolver 'codex' off from its provider: choose resolver llm, or network: full",
    ]);
  });

  it('bad values and the fleet\'s own variables are refused, every problem at once', () => {
    const found = problems(yaml('defaults: { sandbox: docker }', 'tasks:', '  - id: a', '    agent: shell', '    run: make', '    network: lan', '    env: [REDIS_URL, AGENTFLEET_HOME, 1BAD, OK_NAME]'));
    expect(found).toEqual([
      "p.yaml:1:22: defaults.sandbox: 'docker' is not one of bwrap, none",
      "p.yaml:6:14: task 'a': network: 'lan' is not one of full, none",
      "p.yaml:7:11: task 'a': env[0]: 'REDIS_URL' is one of the fleet's own variables (AGENTFLEET_*, REDIS_URL): no task gets them",
      "p.yaml:7:22: task 'a': env[1]: 'AGENTFLEET_HOME' is one of the fleet's own variables (AGENTFLEET_*, REDIS_URL): no task gets them",
      "p.yaml:7:39: task 'a': env[2]: '1BAD' is not an environment variable name (letters, digits and _, not starting with a digit)",
    ]);
  });
});

describe('fleet.yaml sandbox', () => {
  it('hosts[].sandbox and local.sandbox: bwrap by default, none written out; anything else is a located problem', () => {
    const c = parseConfig(yaml('local: { sandbox: none }', 'hosts:', '  - name: mugen', '  - name: majin', '    sandbox: none'), 'f.yaml');
    expect([c.local.sandbox, c.hosts[0]!.sandbox, c.hosts[1]!.sandbox]).toEqual(['none', 'bwrap', 'none']);
    expect(() => parseConfig(yaml('hosts:', '  - name: m', '    sandbox: firejail'), 'f.yaml')).toThrow(/f\.yaml:3:14: hosts\.0\.sandbox: .*"bwrap"\|"none"/);
  });
});
