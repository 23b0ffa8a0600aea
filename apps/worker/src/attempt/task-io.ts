import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetError, FORBIDDEN_KEYS } from '@agentfleet/core';
import { scrubSecrets } from '@agentfleet/telemetry';
import type { TaskIoPaths } from './process-env.js';

/** The largest outputs object a task may leave (JSON text). */
export const MAX_OUTPUTS_BYTES = 64 * 1024;

/** One directory per worker process: it runs one attempt at a time, which empties it first. */
let processDir: Promise<string> | undefined;

/**
 * Files an attempt's agent writes for the fleet, outside its workspace (so nothing of them
 * is committed): $AGENTFLEET_OUTPUTS, a JSON object of named results dependents' `when:`
 * read, and $AGENTFLEET_PLAN_OUT, the plan fragment of an `expands: true` task.
 */
export class TaskIo {
  private constructor(private readonly dir: string) {}

  static async open(): Promise<TaskIo> {
    const io = new TaskIo(await (processDir ??= mkdtemp(join(tmpdir(), 'agentfleet-io-'))));
    await io.close(); // what an attempt that died left
    return io;
  }

  /** Where the task's processes find them ($AGENTFLEET_OUTPUTS, $AGENTFLEET_PLAN_OUT: process-env.ts). */
  get paths(): TaskIoPaths {
    return { outputs: this.outputsFile, planOut: this.fragmentFile };
  }

  private get outputsFile(): string {
    return join(this.dir, 'outputs.json');
  }

  private get fragmentFile(): string {
    return join(this.dir, 'plan-fragment');
  }

  /** The outputs, validated (a JSON object of at most 64 KiB) and scrubbed; null when the task wrote none. */
  async outputs(taskId: string, secrets: readonly string[]): Promise<Record<string, unknown> | null> {
    const text = await readCapped(this.outputsFile, MAX_OUTPUTS_BYTES, `task ${taskId}: $AGENTFLEET_OUTPUTS`);
    if (text === null || !text.trim()) return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new FleetError('bad_outputs', `task ${taskId}: $AGENTFLEET_OUTPUTS is not JSON: ${(e as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new FleetError('bad_outputs', `task ${taskId}: $AGENTFLEET_OUTPUTS must hold a JSON object such as {"risk": "low"}, not ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
    }
    const bad = Object.keys(value).find((k) => FORBIDDEN_KEYS.has(k));
    if (bad) throw new FleetError('bad_outputs', `task ${taskId}: $AGENTFLEET_OUTPUTS may not have a key '${bad}'`);
    return scrubbed(value, secrets) as Record<string, unknown>;
  }

  /** The plan fragment: its size, and its text unless it is bigger than `limitBytes`; null when the task wrote none. */
  async fragment(limitBytes: number): Promise<{ size: number; text: string | null } | null> {
    const size = await stat(this.fragmentFile).then((s) => s.size, () => null);
    if (size === null) return null;
    return { size, text: size > limitBytes ? null : await readFile(this.fragmentFile, 'utf8') };
  }

  /** Removes the files (the directory stays for the next attempt of this worker). */
  async close(): Promise<void> {
    await Promise.all([rm(this.outputsFile, { force: true }), rm(this.fragmentFile, { force: true })]);
  }
}

/** A file's text, refused past `limit` bytes; null when there is none. */
async function readCapped(file: string, limit: number, what: string): Promise<string | null> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const { size } = await handle.stat();
    if (size > limit) throw new FleetError('bad_outputs', `${what} holds ${size} bytes, more than the ${limit} (64 KiB) outputs may have`);
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Secret values never reach Redis: every string of the outputs is scrubbed. */
function scrubbed(value: unknown, secrets: readonly string[]): unknown {
  if (!secrets.length) return value;
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrubbed(v, secrets));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrubSecrets(k, secrets), scrubbed(v, secrets)]));
  return value;
}
