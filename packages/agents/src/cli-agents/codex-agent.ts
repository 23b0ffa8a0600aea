import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { providersFor, WaitRequest } from '@agentfleet/core';
import { abortError, budgetOverrun, effectiveBudget } from '../budget.js';
import { ProviderChain, waitForPause, type ProviderChoice } from '../providers/chain.js';
import type { CooldownRegistry } from '../providers/cooldowns.js';
import { tierFor } from '../tiers.js';
import type { Agent, AgentResult, AgentRunRequest, PermitLease, ProviderPauses } from '../types.js';
import { costForModel } from '../usage.js';
import { newCodexState, parseCodexLine, type CodexStreamState } from './codex-events.js';
import { codexLimit } from './codex-limits.js';
import { carryLogin, OWN_LOGIN_KEYS, ownSandboxOff, withKeys } from './cli-confinement.js';
import { gitWriteDirs } from './git-dirs.js';
import { providerStep } from '../providers/provider-step.js';
import { runJsonlCli } from './run-cli.js';

export interface CodexAgentOptions {
  bin?: string;
  cooldowns?: CooldownRegistry;
  /** waits for every provider longer than this park the task (default 60 s) */
  parkAfterMs?: number;
  /** Where per-job CODEX_HOMEs are made; default ~/.agentfleet/codex-homes (codex refuses its helper binaries under /tmp). */
  homesDir?: string;
}

/** The name codex's own (default) provider is paused under when the config lists none. */
export const CODEX_DEFAULT_PROVIDER = 'codex-default';
const MAX_ARGV_PROMPT = 100_000;

function tomlKey(name: string): string {
  return `af_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/**
 * `codex exec` arguments: JSON events, model and provider from the chain; codex's own
 * workspace-write sandbox plus the git dirs, unless the fleet's sandbox confines it already
 * (`inFleetSandbox`: codex's would not nest inside bubblewrap).
 */
export function codexArgs(opts: { workdir: string; lastMessageFile: string; writableDirs: string[]; choice?: ProviderChoice; prompt: string; inFleetSandbox?: boolean }): string[] {
  const own = opts.inFleetSandbox ? ['--sandbox', 'danger-full-access'] : ['--sandbox', 'workspace-write'];
  const args = ['exec', '--json', '--skip-git-repo-check', ...own, '-C', opts.workdir, '--output-last-message', opts.lastMessageFile];
  if (!opts.inFleetSandbox) for (const d of opts.writableDirs) args.push('--add-dir', d);
  if (opts.choice) {
    const { provider, model } = opts.choice;
    const key = tomlKey(provider.name);
    args.push('-m', model, '-c', `model_provider=${JSON.stringify(key)}`);
    args.push('-c', `model_providers.${key}.name=${JSON.stringify(provider.name)}`);
    args.push('-c', `model_providers.${key}.base_url=${JSON.stringify(provider.baseURL)}`);
    // codex (>= 0.13x) speaks only the Responses API: `wire_api = "chat"` is refused at startup,
    // so a provider used by codex must serve /v1/responses whatever its `api` says
    args.push('-c', `model_providers.${key}.wire_api="responses"`);
    if (provider.apiKeyEnv) args.push('-c', `model_providers.${key}.env_key=${JSON.stringify(provider.apiKeyEnv)}`);
    if (provider.reasoningEffort) args.push('-c', `model_reasoning_effort=${JSON.stringify(provider.reasoningEffort)}`);
  }
  args.push(opts.prompt.length > MAX_ARGV_PROMPT ? '-' : opts.prompt);
  return args;
}

/** OpenAI Codex CLI, non-interactive, with its own CODEX_HOME per job; its providers are those of `api: responses`. */
export class CodexAgent implements Agent {
  constructor(private readonly opts: CodexAgentOptions = {}) {}

  async run(req: AgentRunRequest): Promise<AgentResult> {
    const { task } = req;
    const providers = providersFor(req.config.providers, 'codex');
    let picked: (ProviderChoice & { permit?: PermitLease }) | undefined;
    let chain: ProviderChain | undefined;
    if (providers.length > 0) {
      chain = new ProviderChain(providers, { pauses: req.pauses, permits: req.permits, env: req.credentials ?? req.env, cooldowns: this.opts.cooldowns, logger: req.logger, parkAfterMs: this.opts.parkAfterMs, onStatus: (text) => req.onEvent(providerStep(text)), holder: { runId: task.runId, taskId: task.taskId } });
      picked = await chain.pick(tierFor(task.complexity, task.risk, task.tier), req.signal).catch((e: unknown) => {
        throw req.signal.aborted ? abortError(req.signal, task.taskId) : e;
      });
    } else {
      await waitForPause(req, CODEX_DEFAULT_PROVIDER, this.opts.parkAfterMs);
    }
    try {
      return await this.runCodex(req, picked, chain);
    } finally {
      await picked?.permit?.release();
    }
  }

  private async runCodex(req: AgentRunRequest, choice: ProviderChoice | undefined, chain: ProviderChain | undefined): Promise<AgentResult> {
    const { task } = req;
    const prompt = task.prompt ?? task.title;
    const bin = this.opts.bin ?? req.env.AGENTFLEET_CODEX_BIN ?? process.env.AGENTFLEET_CODEX_BIN ?? 'codex';
    const budget = effectiveBudget(req.budget, req.config);
    const providerName = choice?.provider.name ?? CODEX_DEFAULT_PROVIDER;
    const model = choice?.model;
    const homesDir = this.opts.homesDir ?? join(req.env.HOME ?? homedir(), '.agentfleet', 'codex-homes');
    await mkdir(homesDir, { recursive: true, mode: 0o700 });
    const home = await mkdtemp(join(homesDir, `${task.taskId}-`));
    try {
      // a ChatGPT login lives in auth.json: carry it into the job's own CODEX_HOME
      const codexHome = (req.credentials ?? req.env).CODEX_HOME;
      await carryLogin(req, codexHome ? join(codexHome, 'auth.json') : join('.codex', 'auth.json'), join(home, 'auth.json'));
      const lastMessageFile = join(home, 'last-message.txt');
      const writableDirs = [...new Set([...(await gitWriteDirs(req.workdir)), ...(req.extraWritableDirs ?? [])])];
      const args = codexArgs({ workdir: req.workdir, lastMessageFile, writableDirs, choice, prompt, inFleetSandbox: ownSandboxOff(req, 'codex') });
      const state = newCodexState();
      const share = req.meter.share();
      const holdOff = new HoldOff(req.pauses, providerName);
      const run = await runJsonlCli(req, bin, args, {
        // the key of the provider codex calls (env_key), or its own login: no other key of the fleet
        env: { ...withKeys(req, choice ? [choice.provider.apiKeyEnv] : OWN_LOGIN_KEYS.codex), CODEX_HOME: home },
        stdin: args[args.length - 1] === '-' ? prompt : undefined,
        onLine: (line) => {
          const errors = state.errors.length;
          const events = parseCodexLine(line, state);
          // codex retries a 429 itself: the rest of the fleet holds off meanwhile
          if (state.errors.length > errors) holdOff.seen(state.errors.at(-1)!);
          if (!events.some((e) => e.type === 'usage')) return { events };
          share.set(state.usage, costForModel(state.usage, req.config.pricing, model), { provider: providerName, model });
          return { events, stop: budgetOverrun(budget, req.meter, task.taskId) };
        },
      });
      await holdOff.done();
      const failure = state.failed ?? (run.exit !== 0 ? state.errors.at(-1) : undefined);
      await this.limited(failure, providerName, chain, req.pauses);
      const lastMessage = (await readFile(lastMessageFile, 'utf8').catch(() => '')).trim() || state.lastMessage || '';
      return codexResult(run, state, failure, lastMessage, req, providerName, model);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }

  /** A failure that is a limit: a usage limit parks the task until its reset, a 429 pauses the provider. */
  private async limited(failure: string | undefined, providerName: string, chain: ProviderChain | undefined, pauses: ProviderPauses): Promise<void> {
    const limit = failure ? codexLimit(failure, Date.now()) : undefined;
    if (!limit) return;
    if (limit.kind === 'usage_limit') {
      await pauses.pause(providerName, limit.until, 'codex usage limit');
      throw new WaitRequest({ kind: 'usage_limit', reason: `codex usage limit on ${providerName}; ${limit.reported ? 'resets' : 'tried again'} ${new Date(limit.until).toISOString()}`, until: limit.until });
    }
    const reason = `429 from ${providerName} (codex)${limit.reported ? '' : ', reset not reported'}`;
    await (chain ? chain.markRateLimited(providerName, limit.until, reason) : pauses.pause(providerName, limit.until, reason));
  }
}

function codexResult(run: { exit: number; outputTail: string }, state: CodexStreamState, failure: string | undefined, lastMessage: string, req: AgentRunRequest, providerName: string, model: string | undefined): AgentResult {
  const exit = run.exit !== 0 ? run.exit : state.failed ? 1 : 0;
  const summary = exit === 0 ? lastMessage || 'codex finished' : `codex failed: ${failure ?? `exit ${run.exit}`}`;
  return { exit, summary, usage: state.usage, costUsd: costForModel(state.usage, req.config.pricing, model), provider: providerName, model, outputTail: run.outputTail };
}

/** The first 429 codex reports while it retries pauses its provider fleet-wide (once per run). */
class HoldOff {
  private pausing: Promise<void> | undefined;
  constructor(
    private readonly pauses: ProviderPauses,
    private readonly provider: string,
  ) {}

  seen(message: string): void {
    const limit = this.pausing ? undefined : codexLimit(message, Date.now());
    if (limit?.kind !== 'rate_limit') return;
    this.pausing = this.pauses.pause(this.provider, limit.until, `429 from ${this.provider} (codex retries)`).catch(() => undefined);
  }

  done(): Promise<void> {
    return this.pausing ?? Promise.resolve();
  }
}
