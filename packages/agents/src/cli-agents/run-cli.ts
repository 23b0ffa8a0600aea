import { FleetError } from '@agentfleet/core';
import { abortError } from '../budget.js';
import { LineSplitter, spawnGroup, TailBuffer } from '../process-group.js';
import type { AgentEvent, AgentRunRequest } from '../types.js';

/** What of an event goes into the output tail: printed text, messages, errors, a command's output. */
function tailText(e: AgentEvent): string | undefined {
  if (e.type === 'output' || e.type === 'message') return e.text;
  if (e.type === 'error') return e.message;
  return e.type === 'command' ? e.output : undefined;
}

export interface CliRun {
  exit: number;
  outputTail: string;
}

/**
 * Runs an agent CLI that prints JSONL on stdout: every line goes to `onLine`, which returns
 * events and may return an error (budget overrun) that kills the process group at once.
 */
export async function runJsonlCli(
  req: AgentRunRequest,
  bin: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; stdin?: string; onLine: (line: string) => { events: AgentEvent[]; stop?: FleetError }; onStderr?: (text: string) => void },
): Promise<CliRun> {
  const { task } = req;
  const tail = new TailBuffer();
  const lines = new LineSplitter();
  let stop: FleetError | undefined;
  const kill = new AbortController();
  const signal = AbortSignal.any([req.signal, kill.signal]);
  const handle = (line: string) => {
    if (stop) return;
    const r = opts.onLine(line);
    for (const e of r.events) {
      const text = tailText(e);
      if (text) tail.push(text.endsWith('\n') ? text : text + '\n');
      req.onEvent(e);
    }
    if (r.stop) {
      stop = r.stop;
      kill.abort(r.stop);
    }
  };
  const proc = spawnGroup(bin, args, {
    cwd: req.workdir,
    env: opts.env,
    signal,
    stdin: opts.stdin,
    sandbox: req.sandbox,
    onStdout: (text) => lines.push(text, handle),
    onStderr: (text) => {
      tail.push(text);
      opts.onStderr?.(text);
      req.onEvent({ type: 'output', stream: 'stderr', text });
    },
  });
  let exit: number;
  try {
    exit = await proc.exited;
  } catch (e) {
    if (e instanceof FleetError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new FleetError('agent_error', `task '${task.taskId}': cannot start '${bin}'${err.code === 'ENOENT' ? ' (not installed or not on PATH)' : ''}: ${err.message}`, { bin });
  }
  lines.end(handle);
  if (stop) throw stop;
  if (req.signal.aborted) throw abortError(req.signal, task.taskId);
  return { exit, outputTail: tail.toString() };
}
