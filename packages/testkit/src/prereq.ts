// Prerequisites of a test (a binary on PATH, root): under CI=true a missing one fails the test;
// elsewhere the test is skipped with a reason.
import { execFileSync } from 'node:child_process';

export function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Throws under CI when missing; returns false (caller skips) elsewhere. */
export function requireBinaries(...names: string[]): boolean {
  const missing = names.filter((n) => !hasBinary(n));
  if (missing.length === 0) return true;
  if (process.env.CI === 'true') throw new Error(`missing prerequisite(s) under CI: ${missing.join(', ')}`);
  return false;
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
