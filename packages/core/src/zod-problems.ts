import type { z } from 'zod';
import type { Problem } from './errors.js';
import type { SourceDoc } from './source.js';

/** Turns zod issues into located problems ("unknown key 'x'" points at the key itself). */
export function zodProblems(error: z.ZodError, doc: SourceDoc, taskIdAt?: (path: PropertyKey[]) => string | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const at = doc.locate([...path, key], true);
        problems.push({ file: doc.file, ...at, taskId: taskIdAt?.(issue.path), message: `unknown key '${key}'${where(path)}` });
      }
      continue;
    }
    const at = doc.locate(path);
    problems.push({ file: doc.file, ...at, taskId: taskIdAt?.(issue.path), message: `${describe(path)}: ${issue.message}` });
  }
  return problems;
}

function where(path: (string | number)[]): string {
  return path.length ? ` in ${path.join('.')}` : '';
}

function describe(path: (string | number)[]): string {
  return path.length ? path.join('.') : 'document';
}
