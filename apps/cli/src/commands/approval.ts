// `fleet approve RUN TASK` and `fleet reject RUN TASK`: decisions on approval gates (one store
// call each: store.approvals.approve / reject), with who decided, when, and a note.
import { hostname, userInfo } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { isTaskId } from '@agentfleet/core';
import type { Decided } from '@agentfleet/store';
import { openFleet, type GlobalOptions } from '../fleet-context.js';
import { plural, printLines } from '../output.js';
import { parseRunIdArg } from './run.js';

function taskIdArg(value: string): string {
  if (!isTaskId(value)) throw new InvalidArgumentError('not a task id (lowercase letters, digits, - and _)');
  return value;
}

/** Who decides: the user and machine of this shell, as the report shows it. */
export function decider(): string {
  let user = process.env.USER ?? 'someone';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container): $USER
  }
  return `${user}@${hostname().split('.')[0]}`;
}

function outcomeLine(verb: string, runId: string, taskId: string, res: Decided): string {
  const released = res.ready.length ? `; ${plural(res.ready.length, 'task')} released: ${res.ready.map((r) => r.taskId).join(', ')}` : '';
  const ended = res.runFinished ? `; run ${runId} ended ${res.runFinished}` : '';
  return `${verb} ${taskId} of ${runId}${released}${ended}`;
}

export function registerApprovalCommands(program: Command): void {
  for (const decision of ['approve', 'reject'] as const) {
    program
      .command(decision)
      .description(decision === 'approve' ? 'approve a task that awaits approval: its dependents go on' : 'reject a task that awaits approval: it fails (kind rejected), its dependents are skipped')
      .argument('<run>', 'run id', parseRunIdArg)
      .argument('<task>', 'task id (fleet status RUN shows what waits)', taskIdArg)
      .option('--note <text>', 'why, for the report')
      .addHelpText('after', `\nExamples:\n  fleet ${decision} r20261121-080000-ab12 ship\n  fleet ${decision} r20261121-080000-ab12 ship --note "${decision === 'approve' ? 'checked the diff' : 'the migration is not reversible'}"`)
      .action(async (runId: string, taskId: string, opts: { note?: string }, cmd: Command) => {
        const fleet = await openFleet(cmd.optsWithGlobals<GlobalOptions>());
        try {
          const who = { by: decider(), ...(opts.note ? { note: opts.note } : {}) };
          const res = decision === 'approve' ? await fleet.store.approvals.approve(runId, taskId, who) : await fleet.store.approvals.reject(runId, taskId, who);
          printLines([outcomeLine(decision === 'approve' ? 'approved' : 'rejected', runId, taskId, res)]);
        } finally {
          await fleet.close();
        }
      });
  }
}
