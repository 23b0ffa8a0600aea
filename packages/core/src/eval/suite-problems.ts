import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { describeIssue, fieldName, isRecord, valueAt } from '../plan/problems.js';
import type { SourceDoc } from '../source.js';
import { didYouMean } from '../plan/suggest.js';
import { suiteKeysAt } from './suite-schema.js';

/**
 * Zod issues on a suite as located problems, in the words of plan problems: the field as the
 * file writes it (`cases[2].hidden[0].to`), the case named, "did you mean" on unknown keys.
 */
export function suiteIssueProblems(error: z.ZodError, doc: SourceDoc): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const inCase = path[0] === 'cases' && typeof path[1] === 'number';
    const caseId = inCase ? caseIdAt(doc.value, path[1] as number) : undefined;
    const own = inCase ? path.slice(2) : path;
    const say = (at: { line: number; column: number }, message: string) => problems.push({ file: doc.file, ...at, message: caseId ? `case '${caseId}': ${message}` : message });
    if (issue.code === 'unrecognized_keys') {
      const where = fieldName(own) ? ` in ${fieldName(own)}` : inCase ? '' : path.length ? ` in ${fieldName(path)}` : '';
      for (const key of issue.keys) say(doc.locate([...path, key], true), `unknown key '${key}'${where}${didYouMean(key, suiteKeysAt(path))}`);
      continue;
    }
    if (path.length === 0 && issue.code === 'invalid_type') {
      say(doc.locate([]), "a suite is a mapping with 'cases:', not a list or a single value");
      continue;
    }
    const field = fieldName(own) || (inCase ? `cases[${path[1]}]` : fieldName(path));
    say(doc.locate(path), describeIssue(issue, field, valueAt(doc.value, path)));
  }
  return problems;
}

function caseIdAt(root: unknown, index: number): string | undefined {
  const c = valueAt(root, ['cases', index]);
  return isRecord(c) && typeof c.id === 'string' ? c.id : undefined;
}
