import { spawn } from 'node:child_process';
import { FleetError } from '@agentfleet/core';

export interface GitOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Written to git's stdin (then closed); stdin is closed at once otherwise. */
  input?: string;
  /** Exit codes that are answers, not failures (e.g. 1 from `diff --quiet`). */
  okCodes?: number[];
  timeoutMs?: number;
  /** Kills git when it aborts (a cancelled or timed-out task must not wait for a long fetch). */
  signal?: AbortSignal;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Variables that would point git at another repository than the one we name. */
const INHERITED_GIT_VARS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_PREFIX'];

function gitEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of INHERITED_GIT_VARS) delete env[k];
  // Never wait for a password or a host-key question: workers run unattended.
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_SSH_COMMAND ??= 'ssh -o BatchMode=yes';
  env.LC_ALL = 'C';
  return { ...env, ...extra };
}

/** Runs git with argv (never through a shell). Throws FleetError('workspace_error') on failure. */
export function git(args: string[], opts: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: gitEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs,
      signal: opts.signal,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined); // git may exit before reading all input
    child.stdin.end(opts.input ?? '');
    child.on('error', (e) => {
      if (opts.signal?.aborted) reject(new FleetError('workspace_error', `git ${args[0] ?? ''} stopped: the task was stopped`, { args }));
      else reject(new FleetError('workspace_error', `cannot run git ${args[0] ?? ''}: ${e.message}`, { args }));
    });
    child.on('close', (code, signal) => {
      const result: GitResult = { code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
      if (result.code === 0 || opts.okCodes?.includes(result.code)) return resolve(result);
      const why = signal ? `killed by ${signal}` : `exit ${result.code}`;
      const where = opts.cwd ? ` in ${opts.cwd}` : '';
      reject(new FleetError('workspace_error', `git ${describeArgs(args)}${where} failed (${why}): ${result.stderr.trim() || result.stdout.trim()}`, { args, code: result.code, stderr: result.stderr }));
    });
  });
}

function describeArgs(args: string[]): string {
  return args.map((a) => (a.length > 80 ? `${a.slice(0, 77)}...` : a)).join(' ');
}

export interface Identity {
  name: string;
  email: string;
}

/** Parses "Name <email>", the form used in fleet.yaml `git.author`. */
export function parseAuthor(author: string): Identity {
  const m = /^\s*([^<>]*?)\s*<([^<>\s]+)>\s*$/.exec(author);
  if (!m || !m[1] || !m[2]) {
    throw new FleetError('workspace_error', `git author must look like "Name <email>", got '${author}'`, { author });
  }
  return { name: m[1], email: m[2] };
}

/** Environment that makes host-side commits carry the configured identity. */
export function authorEnv(who: Identity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name,
    GIT_COMMITTER_EMAIL: who.email,
  };
}

export const SHA_PATTERN = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
