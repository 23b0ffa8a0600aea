import type { Problem } from '../errors.js';
import { isRecord } from '../plan/problems.js';
import type { SourceDoc } from '../source.js';

/**
 * Checks across a suite's cases that the schema cannot express: duplicate ids, the prompt, a
 * repository and a check for every case (from the case or the defaults), and hidden files
 * that would land on one another. Works on the raw document, so it runs even when some
 * fields failed the schema: every problem is reported in one pass.
 */
export function checkCases(doc: SourceDoc): Problem[] {
  const raw = doc.value;
  const cases = isRecord(raw) && Array.isArray(raw.cases) ? (raw.cases as unknown[]) : [];
  const defaults = isRecord(raw) && isRecord(raw.defaults) ? raw.defaults : {};
  const problems: Problem[] = [];
  const at = (caseId: string | undefined, path: (string | number)[], message: string, keyOnly = false) =>
    problems.push({ file: doc.file, ...doc.locate(['cases', ...path], keyOnly), message: caseId ? `case '${caseId}': ${message}` : message });

  const first = new Map<string, number>();
  cases.forEach((c, i) => {
    if (!isRecord(c)) return;
    const id = typeof c.id === 'string' ? c.id : undefined;
    if (id !== undefined) {
      const seen = first.get(id);
      if (seen === undefined) first.set(id, i);
      else at(id, [i, 'id'], `duplicate case id '${id}' (first defined at line ${doc.locate(['cases', seen, 'id']).line})`);
    }
    const has = (key: string) => c[key] !== undefined;
    if (!has('prompt') && !has('prompt_file')) at(id, [i], "a case needs a prompt: give 'prompt' or 'prompt_file'");
    if (has('prompt') && has('prompt_file')) at(id, [i, 'prompt_file'], "has both 'prompt' and 'prompt_file': keep one", true);
    if (!has('repo') && defaults.repo === undefined) at(id, [i], "no repository: give 'repo' on the case or in defaults");
    if (!has('check') && defaults.check === undefined) at(id, [i], "no check: a case is solved when its checks pass (e.g. check: npm test); give 'check' on the case or in defaults");
    checkHiddenTargets(c.hidden, (j, message) => at(id, [i, 'hidden', j, 'to'], message));
  });
  return problems;
}

function checkHiddenTargets(hidden: unknown, at: (index: number, message: string) => void): void {
  if (!Array.isArray(hidden)) return;
  const targets = new Map<string, number>();
  hidden.forEach((h, j) => {
    if (!isRecord(h) || typeof h.to !== 'string') return;
    const to = h.to.replace(/^\.\/+/, '').replace(/\/+$/, '');
    for (const [other, k] of targets) {
      if (to === other || to.startsWith(`${other}/`) || other.startsWith(`${to}/`)) return void at(j, `'${h.to}' overlaps hidden[${k}].to '${other}': each hidden file needs a place of its own`);
    }
    targets.set(to, j);
  });
}
