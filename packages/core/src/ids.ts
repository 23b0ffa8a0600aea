/** Task ids appear in branch names, job ids and file names: keep them boring. */
export const TASK_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Run ids: generated, but also accepted from the command line, so validated too. */
export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Host names appear in Redis keys, file names and metric labels. */
export const HOST_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

export function isTaskId(id: string): boolean {
  return TASK_ID_PATTERN.test(id);
}
export function isRunId(id: string): boolean {
  return RUN_ID_PATTERN.test(id);
}

/**
 * A run id: readable, sortable by creation time, unique enough for one fleet.
 * `random` is injected (core has no I/O and no ambient randomness in tests).
 */
export function makeRunId(now: Date, random: () => number = Math.random): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  const suffix = Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0');
  return `r${stamp}-${suffix}`;
}

/**
 * BullMQ job id of a task: deterministic so a second add of the same task is ignored.
 * `seq` counts the times the task was queued again (woken from a wait, retried): its
 * earlier job may still be kept under the plain id.
 */
export function jobIdOf(runId: string, taskId: string, seq = 0): string {
  return seq > 0 ? `${runId}.${taskId}.${seq}` : `${runId}.${taskId}`;
}

export function branchOf(runId: string, taskId: string): string {
  return `fleet/${runId}/${taskId}`;
}

/**
 * A branch name git accepts (check-ref-format rules for refs/heads/NAME) that cannot be
 * read as an option: no leading '-', no spaces, controls or ~^:?*[\, no '..', '@{' or '//',
 * no component starting with '.' or ending with '.lock'.
 */
export function isBranchName(name: string): boolean {
  if (name.length === 0 || name.length > 200 || name === '@' || name.startsWith('-')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.$/.test(name)) return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}
