// `fleet run`, status, runs, cancel, retry and report: the commands of a run's life. `fleet run`
// checks the plan and its flags, submits through the SDK (packages/sdk/src/submit.ts, then
// packages/store/src/run-writer.ts) and makes sure a fleet will take it.
import { isAbsolute, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { InputError, isBranchName, isRunId, type Plan, type Schedule } from '@agentfleet/core';
import { absoluteRepo, submitPlan as submitRun } from '@agentfleet/sdk';
import type { FleetStore, RunStatus } from '@agentfleet/store';
import { withFleet, type FleetContext, type GlobalOptions } from '../fleet-context.js';
import { ensureLocalFleet } from '../local-fleet.js';
import { checkLocalHostFiles } from '../local-host.js';
import { loadPlanFile } from '../plan-file.js';
import { printJson, printLines } from '../output.js';
import { reportMarkdown } from '../report/markdown.js';
import { statusLines } from '../report/progress.js';
import { watchRun } from '../watch.js';
import { runReport } from '../archive/read-archive.js';

export interface RunOptions {
  schedule: Schedule;
  repo?: string;
  ref?: string;
  failFast?: boolean;
  watch?: boolean;
  json?: boolean;
  integrate?: string;
}

/** Exit code of `--watch`: 0 succeeded, 1 failed or cancelled. */
export function exitCodeOf(status: RunStatus): number {
  return status === 'succeeded' ? 0 : 1;
}

/**
 * Submits a plan (the SDK's submit: the base commit resolved once, the run written in one
 * transaction, bad input writes nothing), then makes sure a fleet will take it.
 */
export async function submitPlan(fleet: FleetContext, plan: Plan, opts: RunOptions): Promise<string> {
  checkLocalHostFiles(fleet.config);
  const runId = await submitRun(fleet, plan, opts);
  await ensureLocalFleet(fleet);
  return runId;
}

/** Checked before anything is written: a bad name would only fail when the run ends. */
function parseBranch(value: string): string {
  if (!isBranchName(value)) throw new InvalidArgumentError('not a valid git branch name (letters, digits, / . _ -; no spaces, no leading -, no ..)');
  return value;
}

/** Checked before Redis is opened (an embedded redis-server would start for nothing). */
export function parseRunIdArg(value: string): string {
  if (!isRunId(value)) throw new InvalidArgumentError('not a run id (such as r20261121-080000-ab12)');
  return value;
}

async function runIdOrLatest(store: FleetStore, runId: string | undefined): Promise<string> {
  if (runId) return runId;
  const latest = await store.read.latestId();
  if (!latest) throw new InputError('no runs yet: start one with fleet run PLAN');
  return latest;
}

function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('submit a plan as a run; workers advance it without the CLI')
    .argument('<plan>', 'plan file (YAML or JSON)')
    .addOption(new Option('--schedule <kind>', 'deps: start a task when its dependencies finish; levels: wait for the whole previous level').choices(['deps', 'levels']).default('deps'))
    .option('--fail-fast', 'cancel the rest of the run when a task fails after its retries')
    .option('--watch', 'follow the run; exit 0 when it succeeded, 1 when it failed or was cancelled')
    .option('--json', 'print {"runId": ...}')
    .addOption(new Option('--integrate <branch>', "after the other tasks, the merge queue merges every succeeded result into BRANCH (overrides the plan's integrate.branch)").argParser(parseBranch))
    .option('--repo <url>', "the repository to work on (overrides the plan's repo.url; a path, file://, ssh:// or https:// URL)")
    .option('--ref <ref>', 'branch, tag or commit to start from (with --repo; default HEAD)')
    .option('--allow-eviction', 'accept a Redis whose maxmemory-policy may evict keys')
    .addHelpText('after', '\nExamples:\n  fleet run examples/chain.yaml --repo ~/src/app --watch\n  fleet run plan.yaml --schedule levels --fail-fast --json')
    .action(async (planPath: string, opts: RunOptions, cmd: Command) => {
      const plan = await loadPlanFile(planPath);
      if (opts.ref && !opts.repo && !plan.repo) throw new InputError('--ref needs a repository: give --repo or a repo: in the plan');
      if (opts.repo) plan.repo = { url: isAbsolute(opts.repo) || /^[a-z][a-z0-9+.-]*:/i.test(opts.repo) ? opts.repo : resolve(opts.repo), ref: opts.ref ?? plan.repo?.ref ?? 'HEAD' };
      else if (opts.ref && plan.repo) plan.repo = { ...plan.repo, ref: opts.ref };
      plan.repo = absoluteRepo(plan, planPath);
      await withFleet(cmd, async (fleet) => {
        const runId = await submitPlan(fleet, plan, opts);
        if (opts.watch) {
          if (!opts.json) process.stderr.write(`run ${runId} submitted\n`);
          const status = await watchRun(fleet.store, runId, { plan, out: opts.json ? process.stderr : process.stdout });
          process.exitCode = exitCodeOf(status);
        }
        if (opts.json) printJson({ runId });
        else printLines([runId]);
      });
    });
}

function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('state of a run (default: the latest) with its counts by task status')
    .argument('[run]', 'run id', parseRunIdArg)
    .option('--json', 'print the run object with counts')
    .addHelpText('after', '\nExamples:\n  fleet status\n  fleet status r20261121-080000-ab12 --json')
    .action(async (runArg: string | undefined, opts: { json?: boolean }, cmd: Command) =>
      withFleet(cmd, async ({ store }) => {
        const run = await store.read.get(await runIdOrLatest(store, runArg));
        const [waiting, providers] = await Promise.all([store.waits.list(run.id), store.figures.providerStates()]);
        if (opts.json) printJson({ ...run, waiting, providers });
        else printLines(statusLines(run, waiting, providers));
      }),
    );
}

function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('recent runs')
    .option('--json', 'JSON array')
    .option('-n, --limit <n>', 'how many', '20')
    .addHelpText('after', '\nExample:\n  fleet runs -n 5')
    .action(async (opts: { json?: boolean; limit: string }, cmd: Command) =>
      withFleet(cmd, async ({ store }) => {
        const runs = await store.read.list({ limit: Number(opts.limit) || 20 });
        if (opts.json) return printJson(runs);
        if (!runs.length) return printLines(['no runs yet']);
        printLines(runs.map((r) => `${r.id}  ${r.status.padEnd(9)} ${String(r.counts.succeeded).padStart(4)}/${r.total} ok  ${r.name}`));
      }),
    );
}

function registerCancelCommand(program: Command): void {
  program
    .command('cancel')
    .description('cancel a run: waiting jobs removed, running agents killed (whole process group)')
    .argument('<run>', 'run id', parseRunIdArg)
    .addHelpText('after', '\nExample:\n  fleet cancel r20261121-080000-ab12')
    .action(async (runId: string, _opts: unknown, cmd: Command) =>
      withFleet(cmd, async ({ store }) => {
        const res = await store.runs.cancel(runId);
        printLines([res.status === 'cancelled' ? `cancelled ${runId}: ${res.removedJobs} waiting jobs removed, ${res.runningTasks.length} running agents stopped` : `run ${runId} is already ${res.status}`]);
      }),
    );
}

function registerRetryCommand(program: Command): void {
  program
    .command('retry')
    .description('re-queue the failed and skipped tasks of a run')
    .argument('<run>', 'run id', parseRunIdArg)
    .addOption(new Option('--only <which>', 'only failed or only skipped tasks').choices(['failed', 'skipped']))
    .option('--watch', 'follow the run afterwards')
    .addHelpText('after', '\nExamples:\n  fleet retry r20261121-080000-ab12\n  fleet retry r20261121-080000-ab12 --only failed --watch')
    .action(async (runId: string, opts: { only?: 'failed' | 'skipped'; watch?: boolean }, cmd: Command) =>
      withFleet(cmd, async (fleet) => {
        const res = await fleet.store.runs.retry(runId, opts.only);
        if (!res.reopened.length) {
          printLines([`nothing to retry in ${runId}`]);
          return;
        }
        await ensureLocalFleet(fleet);
        printLines([`re-queued ${res.reopened.length} tasks of ${runId}: ${res.reopened.join(', ')}`]);
        if (opts.watch) process.exitCode = exitCodeOf(await watchRun(fleet.store, runId));
      }),
    );
}

function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('what passed, what failed, what it cost, which branches hold the work')
    .argument('[run]', 'run id (default: the latest)', parseRunIdArg)
    .addOption(new Option('--format <format>', 'md or json').choices(['md', 'json']).default('md'))
    .addHelpText('after', '\nExamples:\n  fleet report r20261121-080000-ab12\n  fleet report --format json > report.json')
    .action(async (runArg: string | undefined, opts: { format: 'md' | 'json' }, cmd: Command) =>
      withFleet(cmd, async (fleet) => {
        const report = await runReport(fleet, await runIdOrLatest(fleet.store, runArg), cmd.optsWithGlobals<GlobalOptions>().config);
        if (opts.format === 'json') printJson(report);
        else process.stdout.write(reportMarkdown(report));
      }),
    );
}

/** run, status, runs, cancel, retry and report: a run's life from the laptop. */
export function registerRunCommands(program: Command): void {
  registerRunCommand(program);
  registerStatusCommand(program);
  registerRunsCommand(program);
  registerCancelCommand(program);
  registerRetryCommand(program);
  registerReportCommand(program);
}
