// The workflow builder: the plan it gives is the plan the YAML parser gives for the same
// tasks (the same code validates both), steps attach as the README says, and a bad workflow
// is an InputError with the file:line of its YAML, as a bad plan file is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, parsePlan, type Plan } from '@agentfleet/core';
import { repoRoot } from '@agentfleet/testkit';
import { workflow } from '../src/index.js';
import { issue715 } from '../../../examples/sdk/issue-715.workflow.js';

/** A plan without source positions (they differ between two files of the same plan). */
function withoutPositions(plan: Plan): unknown {
  return { ...plan, tasks: plan.tasks.map(({ line: _line, column: _column, ...t }) => t) };
}

describe('workflow builder', () => {
  it('the example workflow is the plan of examples/sdk/issue-715.yaml', () => {
    const file = join(repoRoot, 'examples/sdk/issue-715.yaml');
    const fromYaml = parsePlan(readFileSync(file, 'utf8'), file);
    expect(withoutPositions(issue715().toPlan())).toEqual(withoutPositions(fromYaml));
  });

  it('then follows the step before, parallel steps side by side, task starts a new line', () => {
    const plan = workflow('steps', { defaults: { agent: 'shell' } })
      .task('a', { run: 'true' })
      .then('b', { run: 'true', stallTimeout: '2m', promptFile: undefined })
      .parallel(['c', 'd'], (id) => ({ run: `echo ${id}`, deps: id === 'd' ? ['a'] : [] }))
      .then('e', { run: 'true' })
      .task('lone', { run: 'true' })
      .toPlan();
    expect(plan.tasks.map((t) => [t.id, t.deps])).toEqual([['a', []], ['b', ['a']], ['c', ['b']], ['d', ['b', 'a']], ['e', ['c', 'd']], ['lone', []]]);
    expect(plan.tasks[1]!.stallTimeoutMs).toBe(120_000);
  });

  it('a branch: its arms see failures of what the condition names, the join runs whichever arm ran, not after a failure', () => {
    const plan = workflow('br', { defaults: { agent: 'shell' } })
      .task('build', { run: 'true' })
      .parallel(['test', 'lint'], () => ({ run: 'true' }))
      .branch('test.failed', { then: (w) => w.then('fix', { run: 'true' }).then('recheck', { run: 'true' }), else: (w) => w.then('notes', { run: 'true', when: 'lint.succeeded' }) })
      .approval('ship', { prompt: 'Ship?', timeout: 90, onTimeout: 'reject' })
      .toPlan();
    const t = Object.fromEntries(plan.tasks.map((x) => [x.id, x]));
    expect(t.fix).toMatchObject({ deps: ['test', 'lint'], anyDeps: ['test'], when: { expression: 'test.failed' } });
    expect(t.recheck).toMatchObject({ deps: ['fix'] });
    expect(t.recheck!.when).toBeUndefined();
    expect(t.notes).toMatchObject({ deps: ['test', 'lint'], anyDeps: ['test'], when: { expression: '(!(test.failed)) && (lint.succeeded)' } });
    expect(t.ship).toMatchObject({ agent: 'approval', deps: ['recheck', 'notes', 'lint'], anyDeps: ['recheck', 'notes'], when: { expression: '!recheck.failed && !notes.failed' }, approval: { prompt: 'Ship?', timeoutMs: 90_000, onTimeout: 'reject' } });
  });

  it('a bad workflow is the parser\'s InputError, located in the YAML it gives', () => {
    const w = workflow('bad').task('a', { agent: 'shell' }).then('b', { agent: 'llm', prompt: 'x', when: 'a.constructor' });
    let error: unknown;
    try {
      w.toPlan();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message.split('\n')).toEqual([
      "bad.workflow.yaml:3:5: task 'a': shell task needs 'run': the command to execute",
      "bad.workflow.yaml:10:11: task 'b': when: 'constructor' is not a name an expression may use (it is JavaScript's, not data)",
    ]);
    expect(w.toYaml()).toContain('when: a.constructor');
    expect(() => workflow('x').task('a', { run: 'true' }).branch('a.failed', { then: (arm) => arm })).toThrow(/a branch arm of 'a.failed' adds no task/);
  });
});
