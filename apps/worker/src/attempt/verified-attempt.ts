import type { SpendMeter } from '@agentfleet/agents';
import { jobIdOf } from '@agentfleet/core';
import { excludeFileOf } from '@agentfleet/workspace';
import type { AttemptOwner, TaskContext, TaskResult } from '@agentfleet/store';
import { scrubSecrets, type Logger } from '@agentfleet/telemetry';
import type { TaskWorkspace } from '../task-workspace.js';
import { runTaskAgent } from './agent-run.js';
import type { AttemptFindings } from './attempt-end.js';
import type { AttemptEvents } from './attempt-events.js';
import type { AttemptStop } from './attempt-stop.js';
import type { RunCommand } from './checks.js';
import { HiddenFiles } from './hidden-files.js';
import { mergeQueueAttempt, type ReadyWorkspace } from './merge-queue-attempt.js';
import { confineTask, sandboxHere, slotPathOf } from './task-confinement.js';
import { describeConfinement } from './confinement-note.js';
import type { TaskIoPaths } from './process-env.js';
import { resolverContext } from './resolver.js';
import type { AttemptDeps } from './task-attempt.js';
import { runTaskCommand } from './task-command.js';
import { runVerifiedAgent, type VerifiedRun } from './verified-run.js';
import { keptPathsOf, setUpWorkspace } from './workspace-setup.js';

export interface VerifiedAttemptDeps extends AttemptDeps {
  ctx: TaskContext;
  owner: AttemptOwner;
  workspace: TaskWorkspace;
  stop: AttemptStop;
  events: AttemptEvents;
  meter: SpendMeter;
  /** filled as the attempt goes: what its history entry says of setup and checks */
  findings: AttemptFindings;
  secrets: readonly string[];
  /** the daemon's variables the task names (`env:`) that its host forwards */
  named: Record<string, string>;
  log: () => Logger;
}

/**
 * What makes an attempt's "succeeded" mean something: the workspace made ready (host files,
 * setup), the agent run under the task's checks with its fix rounds, or the merge queue.
 * Every process it starts gets taskProcessEnv() and goes through runTaskCommand().
 */
export class VerifiedAttempt {
  private readonly kept: { keep: string[]; neverCommit: string[] };
  /** an eval case's hidden files: in the workspace only while the checks run */
  private readonly hidden: HiddenFiles | undefined;

  constructor(private readonly d: VerifiedAttemptDeps) {
    const kept = keptPathsOf(d.ctx.run, d.workspace.slot ? d.hostFiles : []);
    const hidden = d.ctx.spec.hidden;
    this.kept = hidden ? { ...kept, neverCommit: [...new Set([...kept.neverCommit, ...hidden.paths])] } : kept;
    this.hidden = hidden && d.workspace.slot ? new HiddenFiles(hidden, d.workspace.slot.path, (e, c) => d.store.evals.read.hidden(e, c)) : undefined;
  }

  private readonly scrub = (s: string): string => (this.d.secrets.length ? scrubSecrets(s, this.d.secrets) : s);

  /**
   * The workspace prepared (at `base`, else the task's own base) and set up, with the
   * environment of the task's processes and their sandbox (`io`: where they leave outputs and
   * a plan fragment). A host that cannot give the task the sandbox it needs refuses before
   * anything is prepared.
   */
  async ready(jobId: string, base?: string, io?: TaskIoPaths): Promise<ReadyWorkspace> {
    const { d } = this;
    if (d.workspace.slot && HiddenFiles.repair(d.workspace.slot.path)) d.events.step('hidden files', 'ok', "taken out of the worktree: the slot's last task was stopped during its checks");
    const mode = sandboxHere(d.ctx.spec, d.ctx.run.repo?.setup, d.confinement);
    const prepared = await d.events.timed('workspace', () => d.workspace.prepare(d.ctx, jobId, d.stop.signal, { kept: this.kept, ...(base ? { base } : {}) }), (p) => p.base ?? p.dir);
    const slot = d.workspace.slot;
    const confined = confineTask({
      spec: d.ctx.spec, ids: { runId: d.ctx.runId, taskId: d.ctx.taskId, attempt: d.owner.attempt, slot: d.slot }, mode, host: d.confinement,
      base: d.agentEnv, named: d.named, home: d.home, slotPath: slotPathOf(d.home, d.owner.worker), workdir: prepared.dir,
      ...(io ? { io } : {}),
      ...(slot ? { objects: slot.borrowedObjects, excludesFile: excludeFileOf(slot.path) } : {}),
    });
    const received = Object.keys(d.named);
    Object.assign(d.findings, { sandbox: mode, network: mode === 'bwrap' ? (d.ctx.spec.network ?? 'full') : null, env: received, envMissing: (d.ctx.spec.env ?? []).filter((n) => !received.includes(n)) });
    d.events.step('sandbox', 'ok', describeConfinement(mode, d.ctx.spec.network, received, d.confinement));
    const ready = { ...prepared, ...confined };
    if (d.workspace.slot) {
      const s = await setUpWorkspace({ slot: d.workspace.slot, run: d.ctx.run, spec: d.ctx.spec, files: d.hostFiles, host: d.owner.host, command: this.command(ready), events: d.events, scrub: this.scrub });
      Object.assign(d.findings, s);
    }
    return ready;
  }

  /** The task's agent, then its checks and fix rounds. */
  agent(ready: ReadyWorkspace): Promise<VerifiedRun> {
    const hidden = this.hidden;
    const aroundChecks = hidden ? <T>(checks: () => Promise<T>) => hidden.around(ready.dir, checks, (detail) => this.d.events.step('hidden files', 'ok', detail)) : undefined;
    return runVerifiedAgent({ ...this.agentInputs(ready, this.d.ctx), run: this.command(ready), scrub: this.scrub, runs: this.d.findings.rounds, aroundChecks });
  }

  /** The run's merge-queue task (null: the attempt lost the task before its push). */
  mergeQueue(): Promise<TaskResult | null> {
    const { d } = this;
    const author = d.ctx.run.config.git?.author ?? 'agentfleet <fleet@localhost>';
    return mergeQueueAttempt({
      ctx: d.ctx, store: d.store, slot: d.workspace.slot, home: d.home, author, kept: this.kept, signal: d.stop.signal,
      ready: (base) => this.ready(jobIdOf(d.ctx.runId, d.ctx.taskId), base),
      command: (ready) => this.command(ready),
      resolve: async (ready, prompt) => (await runTaskAgent(this.agentInputs(ready, resolverContext(d.ctx, prompt)))).result.exit,
      events: d.events, scrub: this.scrub, runs: d.findings.rounds,
      owns: () => d.store.attempts.owns(d.ctx.runId, d.ctx.taskId, d.owner),
    });
  }

  private agentInputs(ready: ReadyWorkspace, ctx: TaskContext) {
    const { d } = this;
    return { ctx, dir: ready.dir, env: ready.env, sandbox: ready.sandbox, credentials: d.credentials, scrub: this.scrub, pauses: d.pauses, permits: d.permits, meter: d.meter, stop: d.stop, events: d.events, log: d.log, diff: () => d.workspace.diff() };
  }

  /** Checks and setup: runTaskCommand in the workspace and the task's sandbox, their output reported as the attempt's events. */
  private command(ready: ReadyWorkspace): RunCommand {
    const { d } = this;
    return (command, timeoutMs, network) => runTaskCommand({
      command, cwd: ready.dir, env: ready.env, timeoutMs, signal: d.stop.signal,
      sandbox: network ? ready.sandbox?.withNetwork(network) : ready.sandbox,
      onOutput: (stream, text) => d.events.emit({ type: 'output', stream, text }),
    });
  }
}
