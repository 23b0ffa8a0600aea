// `when:` conditions and `after: any` dependencies as `fleet plan check` sees them: one
// grammar over the dependencies' outcomes and outputs, checked without evaluating anything,
// and evaluated by CEL (an interpreter with no way into JavaScript) when the task is due.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { evaluateCondition, InputError, parsePlan, type DependencyOutcome } from '../src/index.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

/** A plan with a test task and a fix task that lists it with after: any and the given when. */
function fixPlan(when: string, extraDeps = ''): string {
  return yaml('defaults: { agent: shell }', 'tasks:', '  - { id: test, run: "false" }', '  - { id: fix-it, run: "true" }', '  - id: fix', '    run: "true"', `    deps: [{ task: test, after: any }, fix-it${extraDeps}]`, `    when: '${when}'`);
}

function problems(text: string): string[] {
  try {
    parsePlan(text, 'plan.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message.split('\n');
  }
  throw new Error('the plan was accepted');
}

describe('when: the grammar', () => {
  it('accepts the forms of the design and says which dependency each name binds', () => {
    for (const when of ['test.failed', 'test.status == "failed"', '!test.succeeded && fix_it.succeeded', 'test.review == "approve"', 'test.outputs.risk != "high"', 'has(test.outputs.risk) ? test.outputs.risk == "low" : true', 'test.outputs.n > 2 || "x" in test.outputs.tags', 'test.outputs["a-b"] == 1']) {
      const plan = parsePlan(fixPlan(when), 'plan.yaml');
      const fix = plan.tasks.find((t) => t.id === 'fix')!;
      expect(fix.when, when).toEqual({ expression: when, names: { test: 'test', fix_it: 'fix-it' } });
      expect(fix.deps).toEqual(['test', 'fix-it']);
      expect(fix.anyDeps).toEqual(['test']);
    }
  });

  it('refuses what tries to reach JavaScript: constructor, __proto__, prototype, function and method calls, macros', () => {
    const cases: [string, RegExp][] = [
      ['test.constructor', /'constructor' is not a name an expression may use/],
      ['test.outputs.__proto__ == 1', /'__proto__' is not a name an expression may use/],
      ['test.outputs["constructor"] == 1', /'constructor' is not a name an expression may use/],
      ['__proto__.x == 1', /'__proto__' is not a name an expression may use/],
      ['test.outputs.prototype == 1', /'prototype' is not a name/],
      ['size(test.outputs) > 0', /function calls are not allowed \(found size\(\)\)/],
      ['test.status.startsWith("f")', /function calls are not allowed \(found \.startsWith\(\)\)/],
      ['test.outputs.x.matches(".*")', /function calls are not allowed/],
      ['[1].all(x, x > 0)', /macros such as all\(\)/],
      ['google.protobuf.Value{} == null', /building objects is not allowed/],
    ];
    for (const [when, message] of cases) {
      const lines = problems(fixPlan(when));
      expect(lines.join('\n'), when).toMatch(message);
      expect(lines[0], when).toMatch(/^plan\.yaml:8:11: task 'fix': when: /);
    }
  });

  it('names the mistake: unknown names, fields, bare names, syntax, statuses, non-boolean values, .failed on a plain dependency', () => {
    expect(problems(fixPlan('tset.failed'))).toEqual(["plan.yaml:8:11: task 'fix': when: 'tset' is not a dependency of this task (it may name test, fix_it; list a task in deps to use it)"]);
    expect(problems(fixPlan('test.ok'))).toEqual(["plan.yaml:8:11: task 'fix': when: 'test.ok': a dependency has status, succeeded, failed, review, outputs (outputs.KEY for what it wrote)"]);
    expect(problems(fixPlan('test'))[0]).toMatch(/'test' alone is not a value: write test\.succeeded/);
    expect(problems(fixPlan('test.failed &&'))[0]).toMatch(/when: syntax error: at 1:/);
    expect(problems(fixPlan('test.status == "faild"'))[0]).toMatch(/'faild' is not a status a dependency can have \(succeeded, failed, skipped, cancelled\)/);
    expect(problems(fixPlan('test.review == "ok"'))[0]).toMatch(/'ok' is not a review a dependency can have \(approve, revise\)/);
    expect(problems(fixPlan('test.status'))[0]).toMatch(/must be true or false, but it is a string/);
    expect(problems(fixPlan('fix_it.failed'))[0]).toMatch(/'fix_it.failed' is never true here: a failed fix-it skips this task unless deps lists it as \{ task: fix-it, after: any \}/);
  });

  it('checks the deps entries themselves: after is any or success, task is required, unknown keys are named', () => {
    const text = yaml('defaults: { agent: shell }', 'tasks:', '  - { id: a, run: "true" }', '  - id: b', '    run: "true"', '    deps: [{ task: a, after: sometimes }, { after: any }, { task: a, aftr: any }, 7]');
    expect(problems(text)).toEqual([
      "plan.yaml:6:30: task 'b': deps[0].after: 'sometimes' is not one of any, success",
      "plan.yaml:6:43: task 'b': 'deps[1].task' is required",
      "plan.yaml:6:70: task 'b': unknown key 'aftr' in deps[2] (did you mean 'after'?)",
      "plan.yaml:6:83: task 'b': deps[3]: a dependency is a task id, or { task: ID, after: any }",
    ]);
  });
});

describe('when: evaluation', () => {
  const outcome = (status: string, outputs: Record<string, unknown> = {}, review: string | null = null): DependencyOutcome => ({ status, outputs, review });
  const cond = (expression: string) => ({ expression, names: { test: 'test', impl: 'impl-1' } });

  it('evaluates over the dependencies\' outcomes', () => {
    const deps = { test: outcome('failed', { risk: 'high', n: 3, tags: ['a'] }), 'impl-1': outcome('succeeded', {}, 'approve') };
    expect(evaluateCondition(cond('test.failed'), deps)).toEqual({ ok: true, value: true });
    expect(evaluateCondition(cond('test.succeeded'), deps)).toEqual({ ok: true, value: false });
    expect(evaluateCondition(cond('impl.review == "approve"'), deps)).toEqual({ ok: true, value: true });
    expect(evaluateCondition(cond('test.outputs.risk != "high"'), deps)).toEqual({ ok: true, value: false });
    expect(evaluateCondition(cond('test.outputs.n > 2 && "a" in test.outputs.tags'), deps)).toEqual({ ok: true, value: true });
    expect(evaluateCondition(cond('has(test.outputs.missing)'), deps)).toEqual({ ok: true, value: false });
  });

  it('a missing output key is an error naming it; own keys only, never the prototype', () => {
    const deps = { test: outcome('failed', JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>), 'impl-1': outcome('succeeded') };
    expect(evaluateCondition(cond('test.outputs.risk == "x"'), deps)).toEqual({ ok: false, message: 'when: test.outputs.risk == "x": field not found: risk' });
    expect(evaluateCondition(cond('test.outputs.toString == 1'), deps)).toMatchObject({ ok: false });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('the CEL interpreter it uses has no eval and no new Function', () => {
    const require = createRequire(import.meta.url);
    const roots = ['@bufbuild/cel', '@bufbuild/protobuf', '@bufbuild/re2'].map((p) => {
      const main = require.resolve(p);
      return join(main.slice(0, main.indexOf(`/node_modules/${p}/`) + `/node_modules/${p}`.length), 'dist');
    });
    const offenders: string[] = [];
    let scanned = 0;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(c|m)?js$/.test(name) && ++scanned && readFileSync(path, 'utf8').split('\n').some(dynamicCode)) offenders.push(path);
      }
    };
    roots.forEach(walk);
    expect(scanned).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
    expect(dynamicCode('const f = new Function("return 1")')).toBe(true);
    expect(dynamicCode('  return eval(src);')).toBe(true);
    expect(dynamicCode('    eval(ctx) {')).toBe(false);
  });
});

/** A line that builds code from text: `new Function(...)`, `Function("...")`, or a call of the global eval (methods named eval are fine). */
function dynamicCode(line: string): boolean {
  if (/\bnew\s+Function\s*\(|\bFunction\s*\(\s*['"`]/.test(line)) return true;
  const calls = line.match(/(^|[^.\w$])eval\s*\(/g) ?? [];
  return calls.length > 0 && !/^\s*(async\s+)?eval\s*\([^)]*\)\s*\{/.test(line);
}
