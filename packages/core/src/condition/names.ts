/**
 * How a `when:` expression names a task: its id with `-` written as `_` (CEL reads `-` as a
 * minus), so `fix-tests` is `fix_tests`. An id that starts with a digit, or is a CEL keyword,
 * has no name.
 */
const CEL_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** The CEL name of a task id, or null when an expression cannot name it. */
export function celName(taskId: string): string | null {
  const name = taskId.replaceAll('-', '_');
  return CEL_IDENT.test(name) && !RESERVED.has(name) ? name : null;
}

/** What an expression may read of a dependency. */
export const OUTCOME_FIELDS = ['status', 'succeeded', 'failed', 'review', 'outputs'] as const;
export type OutcomeField = (typeof OUTCOME_FIELDS)[number];

/** Values `<task>.status` takes when a dependent runs (a dependency is terminal by then). */
export const OUTCOME_STATUSES = ['succeeded', 'failed', 'skipped', 'cancelled'] as const;
/** Values of `<task>.review`, the built-in review's last verdict (or null). */
export const REVIEW_VERDICTS = ['approve', 'revise'] as const;

/** Keys that mean JavaScript's object machinery, never data: refused wherever an expression names a key. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
