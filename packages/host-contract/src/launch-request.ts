// What the CLI sends the launcher (apps/worker/src/launcher.ts) on its stdin, and the one line
// the launcher answers on stdout. Secrets travel in `env` here only: never on a command line.

export interface LaunchRequest {
  /** The daemon's environment on top of the launcher's own. */
  env?: Record<string, string>;
  /** Arguments for hostd.js. */
  args?: string[];
  /** The release holding hostd.js (default: the launcher's own directory). */
  releaseDir?: string;
  /** Absolute path of node (default: the node running the launcher). */
  nodePath?: string;
  /** How long the new daemon is watched for an early exit. */
  graceMs?: number;
  /** A running daemon drains (its running tasks finish) and the new one takes over after it; else it is left alone. */
  replace?: boolean;
}

export type LaunchOutcome =
  | { kind: 'started'; pid: number }
  | { kind: 'running'; pid: number }
  | { kind: 'replacing'; pid: number; replaces: number };

const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/** The request from the launcher's stdin; a malformed one throws an Error saying what is wrong. */
export function parseLaunchRequest(text: string): LaunchRequest {
  let p: unknown;
  try {
    p = JSON.parse(text || '{}');
  } catch (e) {
    throw new Error(`stdin is not JSON: ${(e as Error).message}`);
  }
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new Error('stdin must be a JSON object {env, args}');
  const o = p as Record<string, unknown>;
  if (o.env !== undefined && !isStringMap(o.env)) throw new Error('env must map names to strings');
  if (o.args !== undefined && (!Array.isArray(o.args) || o.args.some((a) => typeof a !== 'string'))) throw new Error('args must be an array of strings');
  for (const k of ['releaseDir', 'nodePath'] as const) if (o[k] !== undefined && typeof o[k] !== 'string') throw new Error(`${k} must be a string`);
  if (o.graceMs !== undefined && (typeof o.graceMs !== 'number' || !(o.graceMs >= 0))) throw new Error('graceMs must be a number of milliseconds');
  if (o.replace !== undefined && typeof o.replace !== 'boolean') throw new Error('replace must be true or false');
  return o as LaunchRequest;
}

export function formatLaunchOutcome(o: LaunchOutcome): string {
  if (o.kind === 'started') return `started ${o.pid}`;
  if (o.kind === 'running') return `already running ${o.pid}`;
  return `replacing ${o.replaces} with ${o.pid}`;
}

export function parseLaunchOutcome(stdout: string): LaunchOutcome | undefined {
  const started = /^started (\d+)\s*$/m.exec(stdout);
  if (started) return { kind: 'started', pid: Number(started[1]) };
  const running = /^already running (\d+)\s*$/m.exec(stdout);
  if (running) return { kind: 'running', pid: Number(running[1]) };
  const replacing = /^replacing (\d+) with (\d+)\s*$/m.exec(stdout);
  if (replacing) return { kind: 'replacing', pid: Number(replacing[2]), replaces: Number(replacing[1]) };
  return undefined;
}
