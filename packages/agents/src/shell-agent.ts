import { FleetError, outputExcerpt } from '@agentfleet/core';
import { abortError } from './budget.js';
import { spawnGroup, TailBuffer } from './process-group.js';
import type { Agent, AgentResult, AgentRunRequest } from './types.js';
import { emptyUsage } from './usage.js';

/** Runs the task's `run` command with /bin/sh in the workdir; the exit code is the verdict. */
export class ShellAgent implements Agent {
  async run(req: AgentRunRequest): Promise<AgentResult> {
    const { task } = req;
    if (!task.run) throw new FleetError('agent_error', `task '${task.taskId}': a shell task needs a 'run' command`);
    if (req.signal.aborted) throw abortError(req.signal, task.taskId);
    const tail = new TailBuffer();
    const emit = (stream: 'stdout' | 'stderr') => (text: string) => {
      tail.push(text);
      req.onEvent({ type: 'output', stream, text });
    };
    const argv = ['/bin/sh', '-c', task.run];
    const started = Date.now();
    req.onEvent({ type: 'command', phase: 'started', command: task.run, argv });
    const proc = spawnGroup(argv[0]!, argv.slice(1), { cwd: req.workdir, env: req.env, signal: req.signal, sandbox: req.sandbox, onStdout: emit('stdout'), onStderr: emit('stderr') });
    let exit: number;
    try {
      exit = await proc.exited;
    } catch (e) {
      if (e instanceof FleetError) throw e;
      throw new FleetError('agent_error', `task '${task.taskId}': cannot start /bin/sh in ${req.workdir}: ${(e as Error).message}`);
    }
    const outputTail = tail.toString();
    req.onEvent({ type: 'command', phase: 'ended', command: task.run, argv, exitCode: exit, ok: exit === 0, durationMs: Date.now() - started, output: outputExcerpt(outputTail) });
    if (req.signal.aborted) throw abortError(req.signal, task.taskId);
    return { exit, summary: exit === 0 ? `'${task.run}' exited 0` : `'${task.run}' exited ${exit}`, usage: emptyUsage(), costUsd: 0, outputTail };
  }
}

export class NoopAgent implements Agent {
  run(req: AgentRunRequest): Promise<AgentResult> {
    if (req.signal.aborted) return Promise.reject(abortError(req.signal, req.task.taskId));
    return Promise.resolve({ exit: 0, summary: 'noop', usage: emptyUsage(), costUsd: 0 });
  }
}
