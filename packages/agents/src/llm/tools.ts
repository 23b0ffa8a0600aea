import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { FleetError, outputExcerpt } from '@agentfleet/core';
import type { Confinement } from '@agentfleet/sandbox';
import { spawnGroup, TailBuffer } from '../process-group.js';
import type { AgentEvent } from '../types.js';
import { confinePath, PathRefused } from './paths.js';
import { applyFilePatch, parseUnifiedDiff, PatchError } from './unified-diff.js';

/** The built-in agent's tools, with the argument names of the design. */
export const TOOL_DEFINITIONS: ChatCompletionFunctionTool[] = [
  fn('list_files', 'List files and directories under a path of the workspace (recursive, .git excluded).', { path: { type: 'string', description: 'directory relative to the workspace root; default the root' } }, []),
  fn('read_file', 'Read a text file of the workspace.', { path: { type: 'string' } }, ['path']),
  fn('write_file', 'Create or overwrite a file of the workspace with the given content.', { path: { type: 'string' }, content: { type: 'string' } }, ['path', 'content']),
  fn('apply_patch', 'Apply a unified diff (--- a/FILE, +++ b/FILE, @@ hunks) to files of the workspace.', { patch: { type: 'string' } }, ['patch']),
  fn('run_command', 'Run a shell command in the workspace root; returns its exit code and output.', { command: { type: 'string' }, timeoutSec: { type: 'number', description: 'default 120, max 1800' } }, ['command']),
  fn(
    'finish',
    'Call when the task is complete, with a short summary of what was done.',
    { summary: { type: 'string' }, outputs: { type: 'object', description: 'optional named results (a JSON object) that dependent tasks can read, e.g. {"risk": "low"}' } },
    ['summary'],
  ),
];

function fn(name: string, description: string, properties: Record<string, unknown>, required: string[]): ChatCompletionFunctionTool {
  return { type: 'function', function: { name, description, parameters: { type: 'object', properties, required, additionalProperties: false } } };
}

export interface ToolContext {
  workdir: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onEvent: (e: AgentEvent) => void;
  /** run_command runs in the task's sandbox (absent: unconfined) */
  sandbox?: Confinement;
  /** what a tool returns goes to the model with the fleet's secrets removed */
  scrub?: (text: string) => string;
}

export type ToolOutcome = { kind: 'result'; content: string } | { kind: 'finish'; summary: string };

const MAX_READ = 200_000;
const MAX_LIST = 2000;
const MAX_COMMAND_OUTPUT = 16_000;

function str(args: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = args[key];
  if (v === undefined || v === null) {
    if (required) throw new ToolInputError(`missing argument '${key}'`);
    return undefined;
  }
  if (typeof v !== 'string') throw new ToolInputError(`argument '${key}' must be a string`);
  return v;
}

class ToolInputError extends Error {}

async function listFiles(ctx: ToolContext, path: string | undefined): Promise<string> {
  const { abs, rel } = await confinePath(ctx.workdir, path ?? '.', { allowRoot: true });
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (out.length >= MAX_LIST) return;
      if (e.name === '.git' || e.name === 'node_modules') continue;
      const name = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.push(`${name}/`);
        await walk(join(dir, e.name), name);
      } else out.push(name);
    }
  };
  const st = await stat(abs).catch(() => undefined);
  if (!st) return `error: '${path}' does not exist`;
  if (!st.isDirectory()) return rel;
  await walk(abs, rel === '.' ? '' : rel);
  return out.length ? out.join('\n') + (out.length >= MAX_LIST ? `\n... (listing cut at ${MAX_LIST} entries)` : '') : '(empty)';
}

async function runCommand(ctx: ToolContext, command: string, timeoutSec: number): Promise<string> {
  const tail = new TailBuffer(MAX_COMMAND_OUTPUT);
  const started = Date.now();
  ctx.onEvent({ type: 'command', phase: 'started', command });
  const timer = new AbortController();
  const signal = AbortSignal.any([ctx.signal, timer.signal]);
  const t = setTimeout(() => timer.abort(), timeoutSec * 1000);
  const emit = (stream: 'stdout' | 'stderr') => (text: string) => {
    tail.push(text);
    ctx.onEvent({ type: 'output', stream, text });
  };
  try {
    const proc = spawnGroup('/bin/sh', ['-c', command], { cwd: ctx.workdir, env: ctx.env, signal, sandbox: ctx.sandbox, onStdout: emit('stdout'), onStderr: emit('stderr') });
    const code = await proc.exited;
    const timedOut = timer.signal.aborted && !ctx.signal.aborted;
    ctx.onEvent({ type: 'command', phase: 'ended', command, exitCode: timedOut ? null : code, ok: !timedOut && code === 0, durationMs: Date.now() - started, output: outputExcerpt(tail.toString()) });
    return `${timedOut ? `killed after ${timeoutSec} s timeout` : `exit code ${code}`}\n${tail.toString()}`;
  } finally {
    clearTimeout(t);
  }
}

/**
 * Runs one tool call; refusals and mistakes become a result the model reads, never an
 * exception (a sandbox that cannot start is the host's failure, not the model's: it throws).
 * What goes back to the model has the fleet's secrets removed.
 */
export async function runTool(name: string, rawArgs: string, ctx: ToolContext): Promise<ToolOutcome> {
  const outcome = await runToolRaw(name, rawArgs, ctx);
  return outcome.kind === 'result' && ctx.scrub ? { kind: 'result', content: ctx.scrub(outcome.content) } : outcome;
}

async function runToolRaw(name: string, rawArgs: string, ctx: ToolContext): Promise<ToolOutcome> {
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    args = parsed as Record<string, unknown>;
  } catch (e) {
    return { kind: 'result', content: `error: the arguments of ${name} are not a JSON object (${(e as Error).message})` };
  }
  try {
    switch (name) {
      case 'list_files':
        return { kind: 'result', content: await listFiles(ctx, str(args, 'path', false)) };
      case 'read_file': {
        const { abs, rel } = await confinePath(ctx.workdir, str(args, 'path', true)!);
        const text = await readFile(abs, 'utf8').catch((e: NodeJS.ErrnoException) => {
          throw new ToolInputError(e.code === 'ENOENT' ? `'${rel}' does not exist` : e.code === 'EISDIR' ? `'${rel}' is a directory` : e.message);
        });
        return { kind: 'result', content: text.length > MAX_READ ? `${text.slice(0, MAX_READ)}\n... (cut at ${MAX_READ} characters)` : text };
      }
      case 'write_file': {
        const { abs, rel } = await confinePath(ctx.workdir, str(args, 'path', true)!);
        const content = str(args, 'content', true)!;
        await mkdir(dirname(abs), { recursive: true });
        await writeFile(abs, content);
        ctx.onEvent({ type: 'file_change', paths: [rel] });
        return { kind: 'result', content: `wrote ${rel} (${Buffer.byteLength(content)} bytes)` };
      }
      case 'apply_patch':
        return { kind: 'result', content: await applyPatch(ctx, str(args, 'patch', true)!) };
      case 'run_command': {
        const command = str(args, 'command', true)!;
        const t = args.timeoutSec;
        const timeoutSec = typeof t === 'number' && t > 0 ? Math.min(t, 1800) : 120;
        return { kind: 'result', content: await runCommand(ctx, command, timeoutSec) };
      }
      case 'finish':
        if (args.outputs !== undefined) {
          const refused = await writeOutputs(ctx.env.AGENTFLEET_OUTPUTS, args.outputs);
          if (refused) return { kind: 'result', content: `error: ${refused}` };
        }
        return { kind: 'finish', summary: str(args, 'summary', false) ?? '' };
      default:
        return { kind: 'result', content: `error: unknown tool '${name}'; the tools are ${TOOL_DEFINITIONS.map((t) => t.function.name).join(', ')}` };
    }
  } catch (e) {
    if (e instanceof PathRefused || e instanceof PatchError || e instanceof ToolInputError) return { kind: 'result', content: e instanceof PathRefused ? e.message : `error: ${e.message}` };
    if (ctx.signal.aborted || (e instanceof FleetError && e.kind === 'sandbox_error')) throw e;
    return { kind: 'result', content: `error: ${(e as Error).message}` };
  }
}

/**
 * The finish tool's `outputs` go where every command's go: the JSON object in the file named
 * by $AGENTFLEET_OUTPUTS, merged over what a command wrote there. Returns why it refused.
 */
async function writeOutputs(file: string | undefined, outputs: unknown): Promise<string | undefined> {
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) return 'outputs must be a JSON object, such as {"risk": "low"}';
  if (!file) return undefined;
  const before = await readFile(file, 'utf8').then((t) => JSON.parse(t) as unknown).catch(() => ({}));
  const merged = before && typeof before === 'object' && !Array.isArray(before) ? { ...before, ...outputs } : outputs;
  await writeFile(file, JSON.stringify(merged));
  return undefined;
}

/** Checks every file of the patch first, then writes: a patch applies whole or not at all. */
async function applyPatch(ctx: ToolContext, patchText: string): Promise<string> {
  const files = parseUnifiedDiff(patchText);
  const writes: { abs: string; rel: string; content: string | null }[] = [];
  for (const f of files) {
    const target = f.newPath ?? f.oldPath;
    if (!target) throw new PatchError('a file patch has /dev/null on both sides');
    const { abs, rel } = await confinePath(ctx.workdir, target);
    const src = f.oldPath === null ? null : await confinePath(ctx.workdir, f.oldPath);
    let current: string | null = null;
    if (src) {
      current = await readFile(src.abs, 'utf8').catch(() => {
        throw new PatchError(`${src.rel} does not exist`);
      });
    } else if (await stat(abs).catch(() => undefined)) {
      throw new PatchError(`${rel} already exists but the patch creates it (--- /dev/null)`);
    }
    writes.push({ abs, rel, content: applyFilePatch(current, f, rel) });
    if (src && f.newPath !== null && src.rel !== rel) writes.push({ abs: src.abs, rel: src.rel, content: null });
  }
  for (const w of writes) {
    if (w.content === null) await rm(w.abs, { force: true });
    else {
      await mkdir(dirname(w.abs), { recursive: true });
      await writeFile(w.abs, w.content);
    }
  }
  const names = writes.map((w) => `${w.content === null ? 'deleted' : 'patched'} ${w.rel}`);
  ctx.onEvent({ type: 'file_change', paths: writes.map((w) => w.rel) });
  return names.join('\n');
}
