import { InputError, type Problem } from '../errors.js';
import { normalRepoPath } from '../repo-path.js';
import { parseSource, type SourceDoc } from '../source.js';
import { nameFromFile, sortByPosition } from '../plan/parse.js';
import { PLAN_DEFAULTS, type TaskSpec } from '../plan/types.js';
import { checksOf, setupOf } from '../plan/verify-parse.js';
import { checkCases } from './suite-check.js';
import { suiteIssueProblems } from './suite-problems.js';
import { suiteSchema, type RawCase, type RawSuite } from './suite-schema.js';
import type { Suite, SuiteCase } from './types.js';

/**
 * In a suite a fix round is opt-in: its prompt carries the failing check's output, which is
 * what the hidden tests print, so the agent would learn them.
 */
export const SUITE_FIX_ROUNDS = 0;

/**
 * Parses and validates a suite file (YAML or JSON): every problem, schema and semantic, in one
 * InputError with file:line:column and the case's id. No I/O: prompt_file and hidden files are
 * read by the CLI.
 */
export function parseSuite(text: string, file: string): Suite {
  const doc = parseSource(text, file);
  const problems: Problem[] = [];
  const result = suiteSchema.safeParse(doc.value ?? {});
  if (!result.success) problems.push(...suiteIssueProblems(result.error, doc));
  problems.push(...checkCases(doc));
  if (problems.length > 0 || !result.success) throw new InputError(sortByPosition(dedupe(problems)));
  return toSuite(result.data, doc);
}

function toSuite(data: RawSuite, doc: SourceDoc): Suite {
  const d = data.defaults ?? {};
  return {
    // a suite without `name` is named after its file, as a plan is
    name: data.name ?? nameFromFile(doc.file),
    agent: d.agent ?? PLAN_DEFAULTS.agent,
    matrix: { ...data.matrix },
    cases: data.cases.map((c, i) => toCase(c, d, doc, i)),
  };
}

function toCase(c: RawCase, d: NonNullable<RawSuite['defaults']>, doc: SourceDoc, i: number): SuiteCase {
  const at = doc.locate(['cases', i]);
  const task: TaskSpec = {
    id: c.id,
    title: c.title ?? c.id,
    agent: d.agent ?? PLAN_DEFAULTS.agent,
    deps: [],
    complexity: c.complexity ?? d.complexity ?? PLAN_DEFAULTS.complexity,
    risk: [],
    estimateMs: PLAN_DEFAULTS.estimateMs,
    timeoutMs: c.timeout ?? d.timeout ?? PLAN_DEFAULTS.timeoutMs,
    stallTimeoutMs: d.stall_timeout ?? PLAN_DEFAULTS.stallTimeoutMs,
    retries: d.retries ?? PLAN_DEFAULTS.retries,
    backoffMs: PLAN_DEFAULTS.backoffMs,
    labels: c.labels ?? d.labels ?? [],
    inherit: true,
    checks: checksOf(c.check ?? d.check) ?? [],
    fixRounds: c.fix_rounds ?? d.fix_rounds ?? SUITE_FIX_ROUNDS,
    line: at.line,
    column: at.column,
  };
  const checkTimeout = c.check_timeout ?? d.check_timeout;
  if (checkTimeout !== undefined) task.checkTimeoutMs = checkTimeout;
  if (c.prompt !== undefined) task.prompt = c.prompt;
  if (c.prompt_file !== undefined) task.promptFile = c.prompt_file;
  const setup = c.setup ?? d.setup;
  return {
    id: c.id,
    task,
    repo: (c.repo ?? d.repo)!,
    ref: c.ref ?? d.ref ?? 'HEAD',
    ...(setup !== undefined ? { setup: setupOf(typeof setup === 'string' ? { run: setup } : setup) } : {}),
    hidden: (c.hidden ?? []).map((h, j) => ({ from: h.from, to: normalRepoPath(h.to), ...doc.locate(['cases', i, 'hidden', j, 'from']) })),
    line: at.line,
    column: at.column,
  };
}

/** The schema and the case checks may both see a missing prompt: say it once. */
function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

