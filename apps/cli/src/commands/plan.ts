import { buildDag, dagFigures, layerDag, type PlanFigures, type Plan } from '@agentfleet/core';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfigFile } from '../config-file.js';
import { DEFAULT_SLOTS, planSlots, slotsNote } from '../fleet-slots.js';
import { formatList, formatMinutes, formatTable, plural, printJson, printLines } from '../output.js';
import { loadPlanFile } from '../plan-file.js';
import { registerDraftCommand } from './draft.js';

export { DEFAULT_SLOTS };
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
    .option('--slots <n>', `worker slots to plan for (default: the fleet's slots when it is reachable, else the hosts of fleet.yaml, else ${DEFAULT_SLOTS})`, parseSlots)
    .option('--json', 'print the figures as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  fleet plan show examples/realistic-60.yaml\n  fleet plan show examples/fanout.yaml --slots 6 --json\n\n' +
        '--json prints { levels, criticalPath: { tasks, minutes }, sequentialMinutes, idealSpeedup,\n' +
        '  slots, boundMinutes, predictedMinutes: { deps, levels }, slotsFrom: flag|fleet|config|default }.',
    )
    .action(async (file: string, options: { slots?: number; json?: boolean }, command: Command) => {
      const loaded = await loadPlanFile(file);
      const { config } = command.optsWithGlobals<{ config?: string }>();
      const { slots, from } = await planSlots(options.slots, await loadConfigFile(config));
      const figures = dagFigures(buildDag(loaded.tasks), slots);
      if (options.json) printJson({ ...figures, slotsFrom: from });
      else printLines(describeFigures(loaded, figures, slotsNote(from)));
    });

  registerDraftCommand(plan);
}

/** The human view of `fleet plan show`. */
export function describeFigures(plan: Plan, f: PlanFigures, slotsFrom?: string): string[] {
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
  if (slotsFrom) lines.push('', `${f.slots} slots: ${slotsFrom}`);
  return lines;
}

function parseSlots(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('slots is a whole number from 1 to 100000');
  return n;
}
