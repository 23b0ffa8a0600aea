// `fleet eval SUITE --matrix ...` (run a suite across the variants of a matrix), `fleet eval
// report EVAL`, `fleet eval cancel EVAL` and `fleet evals`.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { isEvalId } from '@agentfleet/core';
import { checkEval, submitEval, type EvalRunOptions } from '../eval/submit-eval.js';
import { evalCsv } from '../eval/report/csv.js';
import { evalMarkdown } from '../eval/report/markdown.js';
import { evalNow, evalProgressLine, watchEval } from '../eval/watch-eval.js';
import { loadConfig, openFleet, withFleet, type GlobalOptions } from '../fleet-context.js';
import { printJson, printLines } from '../output.js';
import { parseUsd } from './budget.js';

function parseRepeat(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100) throw new InvalidArgumentError('repeat is a whole number from 1 to 100');
  return n;
}

function parseEvalId(value: string): string {
  if (!isEvalId(value)) throw new InvalidArgumentError('not an eval id (such as e20261121-080000-ab12)');
  return value;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function registerEvalRun(group: Command): void {
  group
    .command('run', { isDefault: true })
    .description('run a suite: each case by each variant of the matrix, as ordinary runs on the fleet')
    .argument('<suite>', 'suite file (YAML or JSON)')
    .option('--matrix <dim=values>', 'a dimension and its values: agent=codex,claude,llm | tier=low,high | provider=lan,groq (repeatable)', collect, [])
    .option('--repeat <n>', 'run each case this often per variant (pass@k)', parseRepeat, 1)
    .option('--budget <usd>', 'cap on the whole eval: at this spend it stops, its runs still going cancelled', parseUsd)
    .option('--push', "push result branches to the cases' remotes (default: a scratch repository in each host's agentfleet home)")
    .option('--watch', 'follow the eval; exit 0 when it finished, 1 when it was stopped')
    .option('--json', 'print {"evalId": ...}')
    .addHelpText('after', '\nExamples:\n  fleet eval evals/backend.yaml --matrix agent=codex,llm --matrix tier=low,high --repeat 3\n  fleet eval evals/backend.yaml --matrix provider=lan,groq --budget 20 --watch\n\nThe eval id is the last line on stdout; fleet eval report EVAL scores it.')
    .action(async (suite: string, opts: EvalRunOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const config = await loadConfig(globals);
      const checked = await checkEval(suite, opts, config);
      const fleet = await openFleet(globals, config);
      try {
        const e = await submitEval(fleet, suite, checked, opts);
        if (opts.watch) {
          const out = opts.json ? process.stderr : process.stdout;
          process.stderr.write(`eval ${e.id} submitted: ${e.trials.length} runs (${e.cases.length} cases × ${e.variants.length} variants × ${e.repeat})\n`);
          process.exitCode = (await watchEval(fleet.store, e.id, out)) === 'finished' ? 0 : 1;
        }
        if (opts.json) printJson({ evalId: e.id });
        else printLines([e.id]);
      } finally {
        await fleet.close();
      }
    });
}

function registerEvalReport(group: Command): void {
  group
    .command('report')
    .description('score an eval: per variant pass rate with a 95% Wilson interval, pass@k, wall times, tokens, cost per solved case, failures by kind; per case who solves it')
    .argument('<eval>', 'eval id', parseEvalId)
    .addOption(new Option('--format <format>', 'md, json or csv (one row per variant)').choices(['md', 'json', 'csv']).default('md'))
    .option('--baseline <eval>', "compare with another eval case by case (McNemar's exact test; flags a variant whose pass rate dropped beyond the noise)", parseEvalId)
    .addHelpText('after', '\nExamples:\n  fleet eval report e20261121-080000-ab12\n  fleet eval report e20261122-080000-cd34 --baseline e20261121-080000-ab12 --format json')
    .action(async (evalId: string, opts: { format: 'md' | 'json' | 'csv'; baseline?: string }, cmd: Command) =>
      withFleet(cmd, async ({ store }) => {
        await evalNow(store, evalId);
        if (opts.baseline) await evalNow(store, opts.baseline);
        const report = await store.evals.read.report(evalId, opts.baseline);
        if (opts.format === 'json') printJson(report);
        else process.stdout.write(opts.format === 'csv' ? evalCsv(report) : evalMarkdown(report));
      }),
    );
}

function registerEvalCancel(group: Command): void {
  group
    .command('cancel')
    .description('stop an eval: no further trial starts, its runs still going are cancelled; what ended stays scored')
    .argument('<eval>', 'eval id', parseEvalId)
    .action(async (evalId: string, _opts: unknown, cmd: Command) =>
      withFleet(cmd, async ({ store }) => {
        const { cancelled } = await store.evals.write.stop(evalId, 'cancelled');
        printLines([evalProgressLine(await evalNow(store, evalId)), `${cancelled.length} runs cancelled`]);
      }),
    );
}

export function registerEvalCommands(program: Command): void {
  const group = program
    .command('eval')
    .description('run a suite of cases across agents, tiers and providers, scored by the fleet\'s own checks')
    .addHelpText('after', '\nExamples:\n  fleet eval evals/backend.yaml --matrix tier=low,high\n  fleet eval report e20261121-080000-ab12 --format csv');
  registerEvalRun(group);
  registerEvalReport(group);
  registerEvalCancel(group);

  program
    .command('evals')
    .description('recent evals with their progress, solved trials and spend')
    .option('--json', 'JSON array of { id, name, status, stopReason, createdAt, finishedAt, repeat, budgetUsd, costUsd, trials }')
    .option('-n, --limit <n>', 'how many', '20')
    .action(async (opts: { json?: boolean; limit: string }, cmd: Command) =>
      withFleet(cmd, async ({ store }) => {
        const evals = await store.evals.read.list(Number(opts.limit) || 20);
        if (opts.json) return printJson(evals);
        if (!evals.length) return printLines(['no evals yet: fleet eval SUITE starts one']);
        printLines(evals.map((e) => `${evalProgressLine(e)}  ${e.name}`));
      }),
    );
}
