/** Kinds of task failure recorded in task records and shown in reports. */
export type ErrorKind =
  | 'exit_code'
  | 'timeout'
  | 'stalled'
  | 'cancelled'
  | 'merge_conflict'
  | 'budget_exceeded'
  | 'agent_error'
  | 'provider_unavailable'
  | 'push_failed'
  | 'workspace_error'
  | 'disk_full'
  | 'check_failed'
  | 'setup_failed'
  | 'sandbox_error'
  /** the agent cannot run on this host as it is set up (claude as root outside the sandbox): retries would not help */
  | 'agent_unusable'
  | 'internal'
  /** an approval gate was rejected (by a person, or by its timeout) */
  | 'rejected'
  /** a `when:` could not be evaluated (an output key that is not there) */
  | 'condition_error'
  /** what a task wrote to $AGENTFLEET_OUTPUTS is not a JSON object within the size limit */
  | 'bad_outputs'
  /** an `expands: true` task's plan fragment was refused */
  | 'bad_fragment';

/** An error a user can act on: its message is shown as is, without a stack trace. */
export class FleetError extends Error {
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown>;
  constructor(kind: ErrorKind, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'FleetError';
    this.kind = kind;
    this.details = details;
  }
}

/**
 * Not a failure: the task should wait, holding no worker slot and burning no retry, until
 * `until` (or until a command wakes it), then go on. Thrown by whatever finds out: an agent
 * that hit a subscription usage limit, a provider chain whose providers are all paused for long.
 */
export class WaitRequest extends Error {
  constructor(readonly wait: { kind: string; reason: string; until?: number }) {
    super(wait.reason);
    this.name = 'WaitRequest';
  }
}

/** One problem in a user's input (plan, config, flag), located where possible. */
export interface Problem {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  taskId?: string;
}

/** One problem, one line: user values quoted in messages may hold newlines or control characters. */
export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ` : '';
  const task = p.taskId ? `task '${p.taskId}': ` : '';
  return oneLine(`${where}${task}${p.message}`);
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Invalid user input: exit code 2, every problem on its own line. */
export class InputError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[] | string) {
    const list = typeof problems === 'string' ? [{ message: problems }] : problems;
    super(list.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = list;
  }
}
