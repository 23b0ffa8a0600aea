import { InvalidArgumentError, type Command } from 'commander';
import { isRunId } from '@agentfleet/core';
import { openFleet, type GlobalOptions } from '../fleet-context.js';
import { ensureLocalFleet } from '../local-fleet.js';
import { printJson, printLines } from '../output.js';
import { budgetLine, money } from '../report/progress.js';

/** Dollars to add: a positive amount, at most a million. */
export function parseUsd(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0) || n > 1_000_000) throw new InvalidArgumentError(`'${value}' is not an amount of US dollars above 0 (e.g. 5 or 2.50)`);
  return n;
}

function parseRun(value: string): string {
  if (!isRunId(value)) throw new InvalidArgumentError('not a run id (such as r20261121-080000-ab12)');
  return value;
}

export function registerBudgetCommand(program: Command): void {
  program
    .command('budget')
    .description("a run's spend and budget; --raise adds to the budget and resumes a run paused at it")
    .argument('<run>', 'run id', parseRun)
    .option('--raise <usd>', 'add this many US dollars to the run budget (a paused run resumes)', parseUsd)
    .option('--json', 'print { runId, status, spentUsd, budgetUsd, woken }')
    .addHelpText('after', '\nExamples:\n  fleet budget r20261121-080000-ab12\n  fleet budget r20261121-080000-ab12 --raise 10\n\nA run pauses when its spend reaches budgets.perRunUsd: running tasks finish, model-backed\ntasks that would start wait (parked, kind budget) until the budget is raised.')
    .action(async (runId: string, opts: { raise?: number; json?: boolean }, cmd: Command) => {
      const fleet = await openFleet(cmd.optsWithGlobals<GlobalOptions>());
      try {
        if (opts.raise === undefined) {
          const run = await fleet.store.read.get(runId);
          if (opts.json) printJson({ runId, status: run.status, spentUsd: run.costUsd, budgetUsd: run.budgetUsd, woken: [] });
          else printLines([`${runId}: ${run.status}, ${budgetLine(run)}`]);
          return;
        }
        const res = await fleet.store.runs.raiseBudget(runId, opts.raise);
        if (res.woken.length) await ensureLocalFleet(fleet);
        const woken = res.woken.map((t) => t.taskId);
        if (opts.json) return printJson({ runId, status: res.status, spentUsd: res.spentUsd, budgetUsd: res.budgetUsd, woken });
        const still = res.status === 'paused' ? `; still paused: it spent ${money(res.spentUsd)}, raise it further` : '';
        printLines([`${runId}: budget raised to ${money(res.budgetUsd)} (spent ${money(res.spentUsd)}), ${res.status}${woken.length ? `; ${woken.length} waiting tasks queued again: ${woken.join(', ')}` : ''}${still}`]);
      } finally {
        await fleet.close();
      }
    });
}
