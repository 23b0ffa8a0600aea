import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { formatProblem, InputError, parsePlan, PLAN_NAME_PATTERN, type FleetConfig, type Tier } from '@agentfleet/core';
import { draftPlan, MemoryProviderPauses, type ProviderPauses } from '@agentfleet/agents';
import { connectChecked, FleetStore } from '@agentfleet/store';
import { loadConfig, type GlobalOptions } from '../fleet-context.js';
import { readText } from '../plan-file.js';

interface DraftOptions {
  output?: string;
  name?: string;
  repo?: string;
  ref?: string;
  tier: Tier;
  grow?: boolean;
}

/** `fleet plan draft ISSUE.md [-o plan.yaml]`, registered under the `plan` group. */
export function registerDraftCommand(plan: Command): void {
  plan
    .command('draft')
    .description('ask the model to decompose an issue text into a plan (validated, corrected up to 3 times)')
    .argument('<issue>', 'issue text (Markdown or plain text)')
    .option('-o, --output <file>', 'write the plan here instead of stdout')
    .option('--name <name>', 'plan name (default: the model proposes one)', parseName)
    .option('--repo <url>', "repository block of the plan: where hosts fetch from")
    .option('--ref <ref>', 'base ref of --repo (default: HEAD)')
    .addOption(new Option('--tier <tier>', 'model tier of the configured providers').choices(['low', 'medium', 'high']).default('high'))
    .option('--grow', 'a plan that grows: an analysis task (expands: true) decides the subtasks at run time')
    .addHelpText(
      'after',
      '\nExample:\n  $ fleet plan draft issue-715.md -o plan.yaml --repo git@github.com:org/app.git\n  drafted plan.yaml: 5 tasks in 2 attempts (groq openai/gpt-oss-120b, 3120 tokens, $0.0021)\n  $ fleet plan check plan.yaml\n\n' +
        'Providers, pricing and budgets come from fleet.yaml. The plan is checked with the same parser as\n`fleet plan check`; problems are sent back to the model, at most 3 attempts in all.',
    )
    .action(async (issuePath: string, opts: DraftOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const issueText = await readText(issuePath, 'cannot read the issue file');
      if (!issueText.trim()) throw new InputError([{ file: issuePath, message: 'the issue file is empty' }]);
      if (opts.ref && !opts.repo) throw new InputError('--ref needs --repo');
      const config = await loadConfig(globals);
      if (config.providers.length === 0) throw new InputError("no model providers configured: add 'providers:' to fleet.yaml (see fleet doctor)");
      const target = opts.output ?? 'plan.yaml';
      const pauses = await fleetPauses(config);
      try {
        const drafted = await draftPlan({
          issueText,
          config,
          pauses: pauses.pauses,
          validate: (text) => planProblems(text, target),
          name: opts.name,
          repo: opts.repo ? { url: opts.repo, ...(opts.ref ? { ref: opts.ref } : {}) } : undefined,
          tier: opts.tier,
          grow: opts.grow,
        });
        if (opts.output) await writeFile(opts.output, drafted.yaml);
        else process.stdout.write(drafted.yaml);
        const tasks = parsePlan(drafted.yaml, target).tasks.length;
        const tokens = drafted.usage.input + drafted.usage.output;
        process.stderr.write(
          `drafted ${opts.output ?? 'plan'}: ${tasks} ${tasks === 1 ? 'task' : 'tasks'} in ${drafted.attempts} ${drafted.attempts === 1 ? 'attempt' : 'attempts'} ` +
            `(${drafted.provider} ${drafted.model}, ${tokens} tokens, $${drafted.costUsd.toFixed(4)})\n`,
        );
      } finally {
        await pauses.close();
      }
    });
}

/** Problems of a drafted plan, one line each, as `fleet plan check` would print them (empty when valid). */
export function planProblems(text: string, file: string): string[] {
  try {
    parsePlan(text, file);
    return [];
  } catch (e) {
    if (e instanceof InputError) return e.problems.map(formatProblem);
    throw e;
  }
}

/**
 * 429 pauses shared with the fleet when Redis is configured (REDIS_URL or redis.url); else
 * in-process ones. Drafting never starts the embedded redis-server, and works without Redis.
 */
async function fleetPauses(config: FleetConfig): Promise<{ pauses: ProviderPauses; close(): Promise<void> }> {
  const url = process.env.REDIS_URL ?? config.redis.url;
  if (url) {
    try {
      const redis = await connectChecked(url);
      const store = new FleetStore(redis, config.redis.prefix);
      return { pauses: store.pauses, close: () => store.close() };
    } catch (e) {
      process.stderr.write(`fleet: ${(e as Error).message}; provider pauses are not shared with the fleet for this draft\n`);
    }
  }
  return { pauses: new MemoryProviderPauses(), close: async () => undefined };
}

function parseName(value: string): string {
  if (!PLAN_NAME_PATTERN.test(value)) throw new InvalidArgumentError('plan names are lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters');
  return value;
}
