// Plan and fleet.yaml keys of the fleet's own verification: checks, fix rounds, setup, the merge
// queue, host files and local: (the bad-input side of them is in test/verify-cli.test.ts).
import { describe, expect, it } from 'vitest';
import { hostFilePath, mergeQueueTask, parseConfig, parsePlan, repoPathProblem, VERIFY_DEFAULTS } from '../src/index.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('check, check_timeout, fix_rounds', () => {
  it('a task takes its own, else the defaults; one command is a list of one; a plan without them sets none', () => {
    const plan = parsePlan(
      yaml('defaults: { check: npm test, check_timeout: 2m, fix_rounds: 3 }', 'tasks:', '  - id: a', '    prompt: p', '  - id: b', '    prompt: p', '    check: [npm run lint, npm test]', '    fix_rounds: 0'),
      'p.yaml',
    );
    expect(plan.tasks[0]).toMatchObject({ checks: ['npm test'], checkTimeoutMs: 120_000, fixRounds: 3 });
    expect(plan.tasks[1]).toMatchObject({ checks: ['npm run lint', 'npm test'], checkTimeoutMs: 120_000, fixRounds: 0 });
    const bare = parsePlan(yaml('tasks:', '  - id: a', '    prompt: p'), 'p.yaml').tasks[0]!;
    expect(bare.checks).toBeUndefined();
    expect(bare.fixRounds).toBeUndefined();
  });
});

describe('repo.setup and integrate', () => {
  it('setup paths are normalized and deduplicated; timeout defaults to 15m; integrate keeps branch, checks and resolver', () => {
    const plan = parsePlan(
      yaml('repo:', '  url: .', '  setup: { run: npm ci, key: [./package-lock.json, package-lock.json], keep: [node_modules/] }', 'integrate: { branch: int/all, check: npm test, resolver: claude }', 'tasks:', '  - id: a', '    prompt: p'),
      'p.yaml',
    );
    expect(plan.repo!.setup).toEqual({ run: 'npm ci', key: ['package-lock.json'], keep: ['node_modules'], timeoutMs: VERIFY_DEFAULTS.setupTimeoutMs });
    expect(plan.integrate).toEqual({ branch: 'int/all', checks: ['npm test'], resolver: 'claude' });
  });

  it('the merge-queue task: after everything, its agent the resolver (noop without one), the flag branch, a long timeout', () => {
    const plan = parsePlan(yaml('defaults: { check_timeout: 3m }', 'integrate: { check: [npm test] }', 'tasks:', '  - id: a', '    prompt: p'), 'p.yaml');
    const t = mergeQueueTask(plan, 'from-flag');
    expect(t).toMatchObject({ id: 'merge-queue', agent: 'noop', deps: [], inherit: false, checkTimeoutMs: 180_000, mergeQueue: { branch: 'from-flag', checks: ['npm test'] } });
    expect(t.timeoutMs).toBe(VERIFY_DEFAULTS.mergeQueueTimeoutMs);
    expect(mergeQueueTask({ ...plan, integrate: { checks: [], resolver: 'llm' } }, 'b').agent).toBe('llm');
  });

  it('a path inside a repository: relative, no .., not .git, not the whole tree, no globs', () => {
    expect(repoPathProblem('node_modules')).toBeUndefined();
    expect(repoPathProblem('a/./b')).toBeUndefined();
    expect(repoPathProblem('a/../../b')).toMatch(/outside the repository/);
    expect(repoPathProblem('/etc/passwd')).toMatch(/outside the repository/);
    expect(repoPathProblem('~/x')).toMatch(/outside the repository/);
    expect(repoPathProblem('.git/config')).toMatch(/inside \.git/);
    expect(repoPathProblem('./')).toMatch(/whole repository/);
    expect(repoPathProblem('src/*.js')).toMatch(/plain path/);
  });
});

describe('fleet.yaml host files and local:', () => {
  it('hosts[].files and local: { slots, labels, files }; `to` normalized; defaults empty', () => {
    const c = parseConfig(yaml('local: { slots: 3, labels: [gpu], files: [{ from: ~/.env, to: ./.env }] }', 'hosts:', '  - name: mugen', '    files: [{ from: /srv/app.env, to: config/app.env }]', '  - name: majin'), 'f.yaml');
    expect(c.local).toEqual({ slots: 3, labels: ['gpu'], files: [{ from: '~/.env', to: '.env' }], sandbox: 'bwrap' });
    expect(c.hosts[0]!.files).toEqual([{ from: '/srv/app.env', to: 'config/app.env' }]);
    expect(c.hosts[1]!.files).toEqual([]);
    expect(parseConfig('', 'f.yaml').local).toEqual({ labels: [], files: [], sandbox: 'bwrap' });
  });

  it('two files to one place, a `to` outside the workspace, unknown keys: located problems', () => {
    expect(() => parseConfig(yaml('local:', '  files:', '    - { from: /a, to: x }', '    - { from: /b, to: ./x }'), 'f.yaml')).toThrow(/f\.yaml:4:\d+: local\.files\.1\.to: 'x' is the destination of another file already/);
    expect(() => parseConfig(yaml('hosts:', '  - name: m', '    files: [{ from: /a, to: /etc/x }]'), 'f.yaml')).toThrow(/f\.yaml:3:\d+: hosts\.0\.files\.0\.to: '\/etc\/x' is outside the repository/);
    expect(() => parseConfig(yaml('local: { slot: 2 }'), 'f.yaml')).toThrow(/f\.yaml:1:\d+: unknown key 'slot' in local/);
  });

  it('a `from` is a path of its host: ~/ and relative paths are in the home', () => {
    expect(hostFilePath('~/.config/app/.env', '/home/u')).toBe('/home/u/.config/app/.env');
    expect(hostFilePath('app.env', '/home/u/')).toBe('/home/u/app.env');
    expect(hostFilePath('/etc/app.env', '/home/u')).toBe('/etc/app.env');
  });
});
