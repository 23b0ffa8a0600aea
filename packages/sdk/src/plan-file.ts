import { readFile, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError, parsePlan, type Plan, type Problem, type TaskSpec } from '@agentfleet/core';

/**
 * Reads and validates a plan file, then reads every task's prompt_file into task.prompt.
 * Prompt files are relative to the plan file and must stay inside its directory (also
 * through symlinks). Every problem is reported at once, as an InputError.
 */
export async function loadPlanFile(path: string): Promise<Plan> {
  const text = await readText(path, 'cannot read the plan file');
  const plan = parsePlan(text, path);
  await readPromptFiles(plan, path);
  return plan;
}

/**
 * Reads every task's prompt_file (relative to `planPath`'s folder, never outside it) into its
 * prompt: a plan's tasks, or a suite's cases as tasks (`what` names the file in messages).
 */
export async function readPromptFiles(plan: Pick<Plan, 'tasks'>, planPath: string, what = 'plan'): Promise<void> {
  const withFiles = plan.tasks.filter((t) => t.promptFile !== undefined);
  if (withFiles.length === 0) return;
  const baseDir = dirname(resolve(planPath));
  const realBase = await realpath(baseDir);
  const problems: Problem[] = [];
  // Many tasks often share one prompt file: read each file once.
  const cache = new Map<string, Promise<string>>();
  for (const task of withFiles) {
    const result = await resolvePromptFile(task, baseDir, realBase, cache, what);
    if (typeof result === 'string') task.prompt = result;
    else problems.push({ file: planPath, line: task.line, column: task.column, taskId: task.id, message: result.problem });
  }
  if (problems.length) throw new InputError(problems);
}

async function resolvePromptFile(task: TaskSpec, baseDir: string, realBase: string, cache: Map<string, Promise<string>>, what: string): Promise<string | { problem: string }> {
  const name = task.promptFile!;
  if (isAbsolute(name)) return { problem: `prompt_file '${name}' must be relative to the ${what} file` };
  const target = resolve(baseDir, name);
  if (!isInside(baseDir, target)) return { problem: `prompt_file '${name}' is outside the ${what}'s directory` };
  let real: string;
  try {
    real = await realpath(target);
  } catch (error) {
    return { problem: `prompt_file '${name}': ${reason(error)} (${target})` };
  }
  if (!isInside(realBase, real)) return { problem: `prompt_file '${name}' leads outside the ${what}'s directory (through a symlink, to ${real})` };
  let text: Promise<string> | undefined = cache.get(real);
  if (!text) {
    text = readFile(real, 'utf8');
    cache.set(real, text);
  }
  try {
    const content = await text;
    return content.trim() ? content : { problem: `prompt_file '${name}' is empty` };
  } catch (error) {
    return { problem: `prompt_file '${name}': ${reason(error)} (${target})` };
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
}

/** Reads a user-named file; any failure is an InputError naming the file and why. */
export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError([{ file: path, message: `${what}: ${reason(error)}` }]);
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, not a file';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Repository paths in a plan are relative to the plan file (URLs and absolute paths stay as they are). */
export function absoluteRepo(plan: Plan, planPath: string): Plan['repo'] {
  if (!plan.repo) return undefined;
  const fix = (u: string) => repoFromFile(u, dirname(planPath));
  return { ...plan.repo, url: fix(plan.repo.url), push: plan.repo.push ? fix(plan.repo.push) : undefined };
}

/** A repository named in a file (plan, suite): a relative path is relative to that file's folder; URLs and scp-like addresses stay as written. */
export function repoFromFile(url: string, dir: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^/]+:/.test(url) || isAbsolute(url) ? url : resolve(dir, url);
}
