// Suite files of `fleet eval` and the matrix: what a valid suite becomes, and every problem of a
// bad one at once with its file:line (the CLI side, exit 2 and nothing written, is in test/).
import { describe, expect, it } from 'vitest';
import { expandMatrix, InputError, mergeMatrix, parseMatrixFlags, parseSuite, planTrials, trialPlan, variantProblems, type EvalCase, type ProviderSpec } from '../src/index.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.message.split('\n');
    throw e;
  }
  throw new Error('no problem reported');
}

describe('parseSuite', () => {
  it('cases take the defaults; setup may be a command; fix rounds are off unless asked; hidden targets are normalized', () => {
    const suite = parseSuite(
      yaml(
        'name: backend',
        'defaults: { agent: llm, repo: ../app, ref: main, check: npm test, timeout: 5m, setup: npm ci, retries: 1 }',
        'matrix: { tier: [low, high] }',
        'cases:',
        '  - id: add',
        '    prompt: Implement add.',
        '    hidden: [{ from: hidden/add.test.js, to: ./test/add.test.js }]',
        '  - id: sub',
        '    title: Subtract',
        '    prompt_file: prompts/sub.md',
        '    ref: v2',
        '    check: [npm run lint, npm test]',
        '    fix_rounds: 2',
        '    setup: { run: npm ci, key: [package-lock.json], keep: [node_modules] }',
      ),
      'suites/backend.yaml',
    );
    expect(suite).toMatchObject({ name: 'backend', agent: 'llm', matrix: { tier: ['low', 'high'] } });
    const [add, sub] = suite.cases;
    expect(add).toMatchObject({ id: 'add', repo: '../app', ref: 'main', setup: { run: 'npm ci', key: [], keep: [] }, hidden: [{ from: 'hidden/add.test.js', to: 'test/add.test.js', line: 7 }] });
    expect(add!.task).toMatchObject({ id: 'add', title: 'add', agent: 'llm', prompt: 'Implement add.', checks: ['npm test'], timeoutMs: 300_000, retries: 1, fixRounds: 0, deps: [] });
    expect(sub).toMatchObject({ ref: 'v2', setup: { run: 'npm ci', key: ['package-lock.json'], keep: ['node_modules'] }, hidden: [] });
    expect(sub!.task).toMatchObject({ title: 'Subtract', promptFile: 'prompts/sub.md', checks: ['npm run lint', 'npm test'], fixRounds: 2 });
    expect(parseSuite(yaml('cases:', '  - { id: a, prompt: p, repo: ., check: "true" }'), 'x/My Evals.yaml').name).toBe('my-evals');
  });

  it('bad suites: every problem at once, each with file:line:column and its case', () => {
    const out = problems(() =>
      parseSuite(
        yaml(
          'name: bad',
          'defaults: { agnet: llm, repo: . }',
          'matrix: {}',
          'cases:',
          '  - id: add',
          '    prompt: p',
          '    check: npm test',
          '    colour: blue',
          '  - id: add',
          '    prompt: p',
          '    prompt_file: p.md',
          '    check: npm test',
          '  - id: nocheck',
          '    prompt: p',
          '  - id: hidden',
          '    prompt: p',
          '    check: npm test',
          '    hidden: [{ from: a.js, to: test/a.js }, { from: b.js, to: test }, { from: c.js, to: ../c.js }]',
        ),
        'bad.yaml',
      ),
    );
    expect(out).toEqual([
      "bad.yaml:2:13: unknown key 'agnet' in defaults (did you mean 'agent'?)",
      'bad.yaml:3:9: matrix: an empty matrix runs no variant: give agent, tier or provider values, or leave matrix out',
      "bad.yaml:8:5: case 'add': unknown key 'colour'",
      "bad.yaml:9:9: case 'add': duplicate case id 'add' (first defined at line 5)",
      "bad.yaml:11:5: case 'add': has both 'prompt' and 'prompt_file': keep one",
      "bad.yaml:13:5: case 'nocheck': no check: a case is solved when its checks pass (e.g. check: npm test); give 'check' on the case or in defaults",
      "bad.yaml:18:63: case 'hidden': 'test' overlaps hidden[0].to 'test/a.js': each hidden file needs a place of its own",
      "bad.yaml:18:89: case 'hidden': hidden[2].to: '../c.js' is outside the repository: a path inside it has no '..'",
    ]);
    expect(problems(() => parseSuite('name: x\n', 's.yaml'))).toEqual(["s.yaml:1:1: 'cases' is required"]);
    expect(problems(() => parseSuite(yaml('cases:', '  - id: a', '    check: "true"'), 's.yaml'))).toEqual([
      "s.yaml:2:5: case 'a': a case needs a prompt: give 'prompt' or 'prompt_file'",
      "s.yaml:2:5: case 'a': no repository: give 'repo' on the case or in defaults",
    ]);
  });
});

describe('the matrix', () => {
  const providers = [
    { name: 'lan', baseURL: 'http://lan/v1', api: 'chat', models: { low: 'a' } },
    { name: 'cloud', baseURL: 'http://cloud/v1', api: 'responses', models: { high: 'b' } },
  ] as unknown as ProviderSpec[];

  it('flags replace the suite dimension they name; the cross product in dimension order; an empty matrix is one default variant', () => {
    const flags = parseMatrixFlags(['agent=llm,codex', 'provider=lan']);
    const m = mergeMatrix({ tier: ['low', 'high'], provider: ['cloud'] }, flags);
    expect(expandMatrix(m, 'claude').map((v) => v.name)).toEqual(['llm/low/lan', 'llm/high/lan', 'codex/low/lan', 'codex/high/lan']);
    expect(expandMatrix({}, 'claude')).toEqual([{ name: 'default', agent: 'claude' }]);
    expect(expandMatrix({ tier: ['high'] }, 'llm')).toEqual([{ name: 'high', agent: 'llm', tier: 'high' }]);
  });

  it('bad flags: one line each (empty, unknown dimension or value, twice)', () => {
    expect(problems(() => parseMatrixFlags(['tier=', 'tiers=low', 'agent=llm,gpt', 'agent=codex', 'nonsense']))).toEqual([
      '--matrix tier=: an empty matrix runs no variant: list at least one tier',
      "--matrix tiers=low: unknown dimension 'tiers' (did you mean 'tier'?); the dimensions are agent, tier, provider",
      "--matrix agent=llm,gpt: 'gpt' is not one of codex, claude, llm, gemini",
      '--matrix agent=codex: agent is given twice; list all its values in one flag',
      '--matrix nonsense: write DIMENSION=VALUE,VALUE (e.g. tier=low,high)',
    ]);
  });

  it('variants fleet.yaml cannot serve: an unknown provider, or one of another API than the agent walks', () => {
    const variants = expandMatrix({ agent: ['llm', 'codex'], provider: ['lan', 'grok'] }, 'llm');
    expect(variantProblems(variants, providers).map((p) => p.message)).toEqual([
      "variant llm/grok: provider 'grok' is not in the providers of fleet.yaml (lan, cloud)",
      "variant codex/lan: provider 'lan' speaks api chat, but agent codex walks responses providers; pair each agent with a provider of its API",
      "variant codex/grok: provider 'grok' is not in the providers of fleet.yaml (lan, cloud)",
    ]);
  });

  it('trials: each repeat of every case by every variant before the next repeat; a trial plan forces the tier, names the hidden files and pushes to the scratch repository', () => {
    const variants = expandMatrix({ tier: ['low', 'high'] }, 'llm');
    expect(planTrials('e1', ['a', 'b'], variants, 2).map((t) => `${t.runId} ${t.caseId} ${t.variant} ${t.repeat}`)).toEqual([
      'e1-1 a low 1', 'e1-2 a high 1', 'e1-3 b low 1', 'e1-4 b high 1', 'e1-5 a low 2', 'e1-6 a high 2', 'e1-7 b low 2', 'e1-8 b high 2',
    ]);
    const suite = parseSuite(yaml('cases:', '  - { id: a, prompt: p, repo: /r, check: npm test, complexity: low }'), 's.yaml');
    const c: EvalCase = { id: 'a', repo: { url: '/r', ref: 'HEAD' }, baseCommit: 'f'.repeat(40), task: suite.cases[0]!.task, hiddenPaths: ['test/a.js'] };
    const plan = trialPlan('e1', c, variants[1]!, { push: false });
    expect(plan.repo).toEqual({ url: '/r', ref: 'HEAD', pushScratch: true });
    expect(plan.tasks[0]).toMatchObject({ id: 'a', agent: 'llm', tier: 'high', complexity: 'low', hidden: { evalId: 'e1', caseId: 'a', paths: ['test/a.js'] } });
    expect(trialPlan('e1', { ...c, hiddenPaths: [] }, variants[0]!, { push: true })).toMatchObject({ repo: { url: '/r', ref: 'HEAD' }, tasks: [{ tier: 'low' }] });
    expect(trialPlan('e1', { ...c, hiddenPaths: [] }, variants[0]!, { push: true }).tasks[0]!.hidden).toBeUndefined();
  });
});
