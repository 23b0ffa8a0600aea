import type { z } from 'zod';
import type { Problem } from '../errors.js';
import type { SourceDoc } from '../source.js';
import { APPROVAL_KEYS, DEP_KEYS, planSchema, taskSchema } from './schema.js';
import { didYouMean } from './suggest.js';
import { integrateSchema, setupSchema } from './verify-schema.js';

type Path = (string | number)[];

/** The keys allowed at each object in a plan, for "did you mean" on unknown keys. */
function knownKeysAt(path: Path): string[] {
  const names = path.filter((p): p is string => typeof p === 'string');
  const shape = (s: { shape: object }) => Object.keys(s.shape);
  if (names.length === 0) return shape(planSchema);
  if (names[0] === 'tasks') {
    const nested: Record<string, string[]> = { review: shape(taskSchema.shape.review.unwrap()), approval: APPROVAL_KEYS, deps: DEP_KEYS };
    return nested[names[1] ?? ''] ?? shape(taskSchema);
  }
  if (names[0] === 'repo') return names[1] === 'setup' ? shape(setupSchema) : shape(planSchema.shape.repo.unwrap());
  if (names[0] === 'integrate') return shape(integrateSchema);
  if (names[0] === 'defaults') return shape(planSchema.shape.defaults.unwrap());
  return [];
}

/**
 * Turns zod issues on a plan into human problems: located, naming the task, the field
 * written as in the file (`labels[0]`, `review.rounds`), the offending value quoted.
 */
export function planIssueProblems(error: z.ZodError, doc: SourceDoc): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const inTask = path[0] === 'tasks' && typeof path[1] === 'number';
    const taskId = inTask ? taskIdAt(doc.value, path[1] as number) : undefined;
    const own = inTask ? path.slice(2) : path;
    const field = fieldName(own) || (inTask ? `tasks[${path[1]}]` : '');
    const value = valueAt(doc.value, path);
    const base = { file: doc.file, taskId };

    if (issue.code === 'unrecognized_keys') {
      const where = fieldName(own) ? ` in ${fieldName(own)}` : '';
      for (const key of issue.keys) {
        const hint = didYouMean(key, knownKeysAt(path));
        problems.push({ ...base, ...doc.locate([...path, key], true), message: `unknown key '${key}'${where}${hint}` });
      }
      continue;
    }
    problems.push({ ...base, ...doc.locate(path), message: describeIssue(issue, field, value) });
  }
  return problems;
}

export function describeIssue(issue: z.core.$ZodIssue, field: string, value: unknown): string {
  const subject = field || 'the plan';
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `'${field}' is required`;
      if (!field) return `a plan is a mapping with 'tasks:', not ${describeValue(value)}`;
      if (issue.expected === 'int') return `${subject}: expected a whole number, got ${describeValue(value)}`;
      return `${subject}: expected ${typeName(issue.expected)}, got ${describeValue(value)}`;
    case 'invalid_value':
      return `${subject}: ${quote(value)} is not one of ${issue.values.map(String).join(', ')}${typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : ''}`;
    case 'invalid_format':
      return `${subject}: ${quote(value)} is invalid: ${issue.message}`;
    case 'too_small':
      if (issue.origin === 'string') return `${subject} must not be empty`;
      if (issue.origin === 'array') return `${subject}: ${issue.message}`;
      return `${subject}: ${quote(value)} is less than the minimum ${String(issue.minimum)}`;
    case 'too_big':
      return `${subject}: ${quote(value)} is more than the maximum ${String(issue.maximum)}`;
    default:
      return `${subject}: ${issue.message}`;
  }
}

/** `labels[0]`, `review.rounds`, `repo.url`. */
export function fieldName(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function taskIdAt(root: unknown, index: number): string | undefined {
  const task = valueAt(root, ['tasks', index]);
  const id = isRecord(task) ? task.id : undefined;
  return typeof id === 'string' ? id : undefined;
}

export function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const p of path) {
    if (Array.isArray(node) && typeof p === 'number') node = node[p];
    else if (isRecord(node)) node = node[String(p)];
    else return undefined;
  }
  return node;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(expected: string): string {
  const names: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', array: 'a list', object: 'a mapping' };
  return names[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string '${value}'`;
  return `the ${typeof value} ${String(value)}`;
}

function quote(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  return value !== null && typeof value === 'object' ? describeValue(value) : String(value);
}
