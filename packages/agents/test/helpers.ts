// The agents tests' own helpers: the fake codex/claude CLIs and the JSONL streams they replay
// (fixtures/), a config, a task and a run request with its event log, a provider entry.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, type FleetConfig } from '@agentfleet/core';
import { MemoryProviderPauses, SpendMeter, type AgentEvent, type AgentRunRequest, type AgentTask, type ProviderPauses, type ProviderPermits } from '@agentfleet/agents';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const FAKE_CODEX = join(FIXTURES, 'bin/fake-codex');
export const FAKE_CLAUDE = join(FIXTURES, 'bin/fake-claude');
export const stream = (name: string) => join(FIXTURES, 'streams', name);

export function config(partial: Record<string, unknown> = {}): FleetConfig {
  return configSchema.parse(partial);
}

export function task(partial: Partial<AgentTask> = {}): AgentTask {
  return { runId: 'r1', taskId: 't1', title: 'test task', agent: 'llm', complexity: 'low', risk: [], ...partial };
}

export interface RequestHarness {
  req: AgentRunRequest;
  events: AgentEvent[];
  controller: AbortController;
}

export function request(opts: { workdir: string; task?: Partial<AgentTask>; config?: FleetConfig; pauses?: ProviderPauses; permits?: ProviderPermits; env?: NodeJS.ProcessEnv; budget?: AgentRunRequest['budget']; signal?: AbortSignal; sandboxed?: boolean }): RequestHarness {
  const events: AgentEvent[] = [];
  const controller = new AbortController();
  const req: AgentRunRequest = {
    task: task(opts.task),
    workdir: opts.workdir,
    env: opts.env ?? { ...process.env },
    budget: opts.budget ?? {},
    signal: opts.signal ?? controller.signal,
    onEvent: (e) => events.push(e),
    meter: new SpendMeter(),
    config: opts.config ?? config(),
    pauses: opts.pauses ?? new MemoryProviderPauses(),
    permits: opts.permits,
    sandboxed: opts.sandboxed,
  };
  return { req, events, controller };
}

export function provider(name: string, baseURL: string, extra: Record<string, unknown> = {}) {
  return { name, baseURL, models: { low: 'standin-small', high: 'standin-large' }, timeoutMs: 2000, cooldownMs: 300, ...extra };
}
