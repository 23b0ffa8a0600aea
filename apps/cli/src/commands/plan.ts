import { buildDag, dagFigures, layerDag, type PlanFigures, type Plan } from '@agentfleet/core';
import { InvalidArgumentError, type Command } from 'commander';
import { configuredSlots, loadConfigFile } from '../config-file.js';
import { formatList, formatMinutes, formatTable, plural, printJson, printLines } from '../output.js';
import { loadPlanFile } from '../plan-file.js';
import { registerDraftCommand } from './draft.js';

/** Slots assumed when neither --slots nor a fleet.yaml with hosts says otherwise. */
export const DEFAULT_SLOTS = 18;
/** Levels shown in human output; --json has them all. */
const MAX_LEVELS_SHOWN = 50;

export function registerPlanCommands(program: Command): void {
  const plan = program
    .command('plan')
    .description('validate a plan, show its DAG figures, or draft one from an issue')
    .addHelpText('after', '\nExamples:\n  fleet plan check examples/chain.yaml\n  fleet plan show examples/fanout.yaml --slots 6\n  fleet plan draft issue.md -o plan.yaml');

  plan
    .command('check')
    .description('validate a plan: every problem with its file:line:column and task')
    .argument('<file>', 'plan file (YAML or JSON)')
    .addHelpText('after', '\nExample:\n  $ fleet plan check examples/chain.yaml\n  ok: 4 tasks, 4 levels\n\nExit code 0 when valid, 2 with one problem per line on stderr.')
    .action(async (file: string) => {
      const loaded = await loadPlanFile(file);
      const levels = layerDag(buildDag(loaded.tasks)).levelCount;
      printLines([`ok: ${plural(loaded.tasks.length, 'task')}, ${plural(levels, 'level')}`]);
    });

  plan
    .command('show')
    .description('levels, critical path, speedup and predicted makespan of a plan')
    .argument('<file>', 'plan file (YAML or JSON)')
    .option('--slots <n>', `worker slots to plan for (default: the slots of the hosts in fleet.yaml, else ${DEFAULT_SLOTS})`, parseSlots)
    .option('--json', 'print the figures as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  fleet plan show examples/realistic-60.yaml\n  fleet plan show examples/fanout.yaml --slots 6 --json\n\n' +
        '--json prints { levels, criticalPath: { tasks, minutes }, sequentialMinutes, idealSpeedup,\n' +
        '  slots, boundMinutes, predictedMinutes: { deps, levels } }.',
    )
    .action(async (file: string, options: { slots?: number; json?: boolean }, command: Command) => {
      const loaded = await loadPlanFile(file);
      const slots = options.slots ?? (await slotsFromConfig(command)) ?? DEFAULT_SLOTS;
      const figures = dagFigures(buildDag(loaded.tasks), slots);
      if (options.json) printJson(figures);
      else printLines(describeFigures(loaded, figures));
    });

  registerDraftCommand(plan);
}

async function slotsFromConfig(command: Command): Promise<number | undefined> {
  const { config } = command.optsWithGlobals<{ config?: string }>();
  return configuredSlots(await loadConfigFile(config));
}

/** The human view of `fleet plan show`. */
export function describeFigures(plan: Plan, f: PlanFigures): string[] {
  const edges = plan.tasks.reduce((sum, t) => sum + t.deps.length, 0);
  const lines = [`plan ${plan.name}: ${plural(plan.tasks.length, 'task')}, ${plural(f.levels.length, 'level')}, ${plural(edges, 'dependency', 'dependencies')}`, '', 'levels'];
  const shown = f.levels.slice(0, MAX_LEVELS_SHOWN);
  lines.push(...formatTable(shown.map((level, k) => [String(k + 1), `(${level.length})`, formatList(level)])));
  if (f.levels.length > shown.length) lines.push(`  ... ${plural(f.levels.length - shown.length, 'more level')} (--json shows all)`);
  lines.push('', `critical path, ${formatMinutes(f.criticalPath.minutes)}:`, `  ${formatList(f.criticalPath.tasks, 30).replaceAll(', ', ' -> ')}`, '');
  lines.push(
    ...formatTable([
      ['sequential', formatMinutes(f.sequentialMinutes)],
      ['critical path', formatMinutes(f.criticalPath.minutes)],
      ['ideal speedup', `${f.idealSpeedup.toFixed(1)}x`],
      [`lower bound on ${f.slots} slots`, formatMinutes(f.boundMinutes)],
      [`predicted makespan on ${f.slots} slots`, `deps ${formatMinutes(f.predictedMinutes.deps)} / levels ${formatMinutes(f.predictedMinutes.levels)}`],
    ]),
  );
  return lines;
}

function parseSlots(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('slots is a whole number from 1 to 100000');
  return n;
}
