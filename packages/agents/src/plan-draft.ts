import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { stringify } from 'yaml';
import { AGENT_KINDS, COMPLEXITIES, FleetError, providersFor, WaitRequest, type FleetConfig, type Tier } from '@agentfleet/core';
import type { Logger } from '@agentfleet/telemetry';
import { ProviderChain } from './providers/chain.js';
import type { CooldownRegistry } from './providers/cooldowns.js';
import { firstJsonObject } from './json-text.js';
import type { ProviderPauses, Usage } from './types.js';
import { addUsage, costForModel, emptyUsage } from './usage.js';

export interface DraftPlanOptions {
  issueText: string;
  config: FleetConfig;
  pauses: ProviderPauses;
  env?: NodeJS.ProcessEnv;
  /** Problems of a plan text (empty when valid): the plan parser of the CLI. */
  validate: (yamlText: string) => string[] | Promise<string[]>;
  /** Plan name; the model proposes one when absent. */
  name?: string;
  /** Repository block copied into the plan as is. */
  repo?: { url: string; ref?: string; push?: string };
  tier?: Tier;
  /** ask for a plan that grows: an analysis task with expands: true decides the subtasks at run time */
  grow?: boolean;
  maxAttempts?: number;
  signal?: AbortSignal;
  logger?: Logger;
  cooldowns?: CooldownRegistry;
}

export interface DraftPlanResult {
  yaml: string;
  attempts: number;
  /** Problems found in each rejected attempt, in order. */
  rejected: string[][];
  usage: Usage;
  costUsd: number;
  provider: string;
  model: string;
}

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

/** The shape the model must answer (strict structured output: every key required, nulls for "none"). */
export const PLAN_DRAFT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'tasks'],
  properties: {
    name: { type: 'string', description: 'plan name: lowercase letters, digits, - and _' },
    tasks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'agent', 'prompt', 'run', 'deps', 'complexity', 'risk', 'estimate', 'expands'],
        properties: {
          id: { type: 'string', description: '[a-z0-9][a-z0-9-_]{0,62}' },
          title: { type: 'string' },
          agent: { type: 'string', enum: [...AGENT_KINDS] },
          prompt: nullable({ type: 'string', description: 'instructions for model-backed agents (codex, claude, llm)' }),
          run: nullable({ type: 'string', description: 'shell command, for agent shell only' }),
          deps: { type: 'array', items: { type: 'string' } },
          complexity: { type: 'string', enum: [...COMPLEXITIES] },
          risk: { type: 'array', items: { type: 'string' }, description: 'risk categories (security, data-migration, ...) that force the top model tier' },
          estimate: { type: 'string', description: 'duration like 5m, 1h' },
          expands: { type: 'boolean', description: 'true: the task writes a plan fragment to $AGENTFLEET_PLAN_OUT; its tasks join the run after it' },
        },
      },
    },
  },
} as const;

export const PLAN_DRAFT_SYSTEM_PROMPT = `You turn an issue into an agentfleet plan: a DAG of small coding tasks run by agents in separate git worktrees.
Each task: a unique id ([a-z0-9][a-z0-9-_]{0,62}), a title, an agent (codex, claude or llm for coding work with a prompt; shell with run for tests/builds; noop for grouping), deps (ids of tasks whose results it builds on; no cycles), complexity (low|medium|high), risk categories (empty unless security, data, money, migrations...), and an estimate (5m, 30m, 1h).
Make independent work parallel; end with a shell task that runs the tests when the repository has them. Prompts must be self-contained.
When the subtasks can only be known after looking at the code, make one analysis task with expands: true (false for every other task): its prompt tells it to write the subtasks as a plan fragment to the file named by $AGENTFLEET_PLAN_OUT (YAML with a tasks: list, the same task keys; deps name the fragment's own ids), and they join the run after it, before its dependents.
Answer with the JSON object only.`;

const GROW_ASK = 'Do not decide the implementation subtasks now: make the plan grow at run time, with an analysis task (expands: true) that writes them as a plan fragment, then what follows them (tests, review).\n\n';

interface DraftTask {
  id: string;
  title: string;
  agent: string;
  prompt: string | null;
  run: string | null;
  deps: string[];
  complexity: string;
  risk: string[];
  estimate: string | null;
  expands?: boolean;
}

/** The model's JSON as plan YAML: keys in the order people read them, empty and null fields left out. */
export function draftToYaml(draft: { name?: unknown; tasks?: unknown }, extra: Pick<DraftPlanOptions, 'name' | 'repo'>): string {
  const tasks = Array.isArray(draft.tasks) ? (draft.tasks as Partial<DraftTask>[]) : [];
  const plan: Record<string, unknown> = { name: extra.name ?? draft.name };
  if (extra.repo) plan.repo = extra.repo;
  plan.tasks = tasks.map((t) => {
    const out: Record<string, unknown> = { id: t.id, title: t.title, agent: t.agent };
    if (t.deps?.length) out.deps = t.deps;
    if (t.prompt) out.prompt = t.prompt;
    if (t.run) out.run = t.run;
    if (t.complexity) out.complexity = t.complexity;
    if (t.risk?.length) out.risk = t.risk;
    if (t.estimate) out.estimate = t.estimate;
    if (t.expands) out.expands = true;
    return out;
  });
  return stringify(plan, { lineWidth: 0 });
}

/**
 * Asks the model (structured output) to decompose an issue into a plan, validates the YAML
 * with the caller's parser and sends the problems back, up to maxAttempts (default 3).
 */
export async function draftPlan(opts: DraftPlanOptions): Promise<DraftPlanResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const maxAttempts = opts.maxAttempts ?? 3;
  const chain = new ProviderChain(providersFor(opts.config.providers, 'llm'), { pauses: opts.pauses, env: opts.env ?? process.env, cooldowns: opts.cooldowns, logger: opts.logger });
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: PLAN_DRAFT_SYSTEM_PROMPT },
    { role: 'user', content: `${opts.name ? `Plan name: ${opts.name}\n\n` : ''}${opts.grow ? GROW_ASK : ''}Issue:\n\n${opts.issueText}` },
  ];
  let usage = emptyUsage();
  let costUsd = 0;
  const rejected: string[][] = [];
  let last = { provider: '', model: '', yaml: '' };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const served = await chain.call(opts.tier ?? 'high', signal, (ctx) =>
      ctx.client.chat.completions.create(
        {
          model: ctx.model,
          messages,
          response_format: { type: 'json_schema', json_schema: { name: 'agentfleet_plan', strict: true, schema: PLAN_DRAFT_SCHEMA as unknown as Record<string, unknown> } },
          ...(ctx.provider.reasoningEffort ? { reasoning_effort: ctx.provider.reasoningEffort } : {}),
        },
        { signal: ctx.signal },
      ),
    ).catch((e: unknown) => {
      // a one-off on the laptop has no task to park: it says when to try again
      throw e instanceof WaitRequest ? new FleetError('provider_unavailable', `${e.message}; try again then`) : e;
    });
    const u = served.value.usage;
    const turn: Usage = { input: u?.prompt_tokens ?? 0, cachedInput: u?.prompt_tokens_details?.cached_tokens ?? 0, output: u?.completion_tokens ?? 0 };
    usage = addUsage(usage, turn);
    costUsd += costForModel(turn, opts.config.pricing, served.model);
    const content = served.value.choices[0]?.message.content ?? '';
    let problems: string[];
    let yamlText = '';
    const json = firstJsonObject(content);
    try {
      if (!json) throw new Error('no JSON object in the answer');
      yamlText = draftToYaml(JSON.parse(json) as Record<string, unknown>, opts);
      problems = await opts.validate(yamlText);
    } catch (e) {
      problems = [`the answer is not the JSON plan object (${(e as Error).message})`];
    }
    last = { provider: served.provider.name, model: served.model, yaml: yamlText };
    if (problems.length === 0) {
      return { yaml: yamlText, attempts: attempt, rejected, usage, costUsd: Math.round(costUsd * 1e9) / 1e9, provider: served.provider.name, model: served.model };
    }
    rejected.push(problems);
    opts.logger?.info({ attempt, problems }, 'drafted plan rejected by validation; asking for a correction');
    messages.push({ role: 'assistant', content });
    messages.push({ role: 'user', content: `The plan is invalid:\n${problems.map((p) => `- ${p}`).join('\n')}\nAnswer with the whole corrected plan as the JSON object.` });
  }
  throw new FleetError('agent_error', `the drafted plan is still invalid after ${maxAttempts} attempts:\n${(rejected.at(-1) ?? []).join('\n')}`, { rejected, yaml: last.yaml, provider: last.provider, model: last.model, usage, costUsd });
}
