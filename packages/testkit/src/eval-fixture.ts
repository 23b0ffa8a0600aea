// An npm project for evals: one function per case to write in src/, the tests that decide each
// case kept apart as hidden files, a visible smoke test, and the suite file naming it all.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFiles } from './git.js';

export interface EvalCaseFixture {
  id: string;
  /** the function the case asks for, and a right and a wrong body for it */
  fn: string;
  right: string;
  wrong: string;
  /** the hidden test's assertion */
  assertion: string;
}

/** Six small cases: the agent writes src/<fn>.js; the hidden test/<fn>.test.js decides. */
export const EVAL_CASES: readonly EvalCaseFixture[] = [
  { id: 'add', fn: 'add', right: '(a, b) => a + b', wrong: '(a, b) => a - b', assertion: 'assert.equal(add(2, 3), 5);' },
  { id: 'sub', fn: 'sub', right: '(a, b) => a - b', wrong: '(a, b) => b - a', assertion: 'assert.equal(sub(5, 3), 2);' },
  { id: 'mul', fn: 'mul', right: '(a, b) => a * b', wrong: '(a, b) => a + b', assertion: 'assert.equal(mul(4, 3), 12);' },
  { id: 'max', fn: 'max', right: '(...xs) => Math.max(...xs)', wrong: '(...xs) => xs[0]', assertion: 'assert.equal(max(1, 7, 3), 7);' },
  { id: 'clamp', fn: 'clamp', right: '(x, lo, hi) => Math.min(hi, Math.max(lo, x))', wrong: '(x) => x', assertion: 'assert.equal(clamp(12, 0, 10), 10);' },
  { id: 'reverse', fn: 'reverse', right: '(s) => [...s].reverse().join("")', wrong: '(s) => s', assertion: "assert.equal(reverse('abc'), 'cba');" },
];

export const hiddenTestOf = (c: EvalCaseFixture) => `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ${c.fn} } from '../src/${c.fn}.js';

test('hidden: ${c.fn} works', () => {
  ${c.assertion}
});
`;

export const sourceOf = (c: EvalCaseFixture, right: boolean) => `export const ${c.fn} = ${right ? c.right : c.wrong};\n`;

/** The repository's files: package.json (npm test runs node --test) and a visible smoke test. */
export function evalRepoFiles(): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'evalcalc', version: '1.0.0', type: 'module', private: true, scripts: { test: 'node --test' } }, null, 2),
    'test/smoke.test.js': "import { test } from 'node:test';\n\ntest('smoke', () => {});\n",
    'README.md': '# evalcalc\n',
  };
}

/**
 * Writes the hidden tests under `<dir>/hidden/` and a suite file `<dir>/<name>.yaml` for the
 * cases (agent llm, check npm test, each case's hidden test copied to test/<fn>.test.js).
 */
export function writeEvalSuite(dir: string, repo: string, cases: readonly EvalCaseFixture[], opts: { name: string; extra?: string } = { name: 'suite' }): string {
  writeFiles(join(dir, 'hidden'), Object.fromEntries(cases.map((c) => [`${c.fn}.test.js`, hiddenTestOf(c)])));
  const lines = [`name: ${opts.name}`, `defaults: { agent: llm, repo: ${JSON.stringify(repo)}, ref: main, check: npm test, timeout: 2m, retries: 0 }`, ...(opts.extra ? [opts.extra] : []), 'cases:'];
  for (const c of cases) {
    lines.push(`  - id: ${c.id}`, `    prompt: Write src/${c.fn}.js exporting ${c.fn}.`, `    hidden: [{ from: hidden/${c.fn}.test.js, to: test/${c.fn}.test.js }]`);
  }
  const file = join(dir, `${opts.name}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
