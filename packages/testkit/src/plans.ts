// Plan builders for tests that submit to the store directly (no YAML): a task spec with every
// field filled, a plan around tasks, and the run config of a fleet with no providers; and plan
// files of shell tasks for tests that run the `fleet` binary.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLAN_DEFAULTS, type Plan, type TaskSpec } from '@agentfleet/core';

/** A noop task with one-minute estimate and timeouts, no retries; `extra` overrides any field. */
export function task(id: string, deps: string[] = [], extra: Partial<TaskSpec> = {}): TaskSpec {
  return {
    id,
    title: id,
    agent: 'noop',
    deps,
    complexity: 'low',
    risk: [],
    estimateMs: 60_000,
    timeoutMs: 60_000,
    stallTimeoutMs: 60_000,
    retries: 0,
    labels: [],
    inherit: true,
    ...extra,
  };
}

export function plan(tasks: TaskSpec[], name = 'test'): Plan {
  return { name, defaults: PLAN_DEFAULTS, clean: 'all', tasks };
}

/** A run's config with no providers, prices or budgets. */
export const noConfig = { providers: [], pricing: {}, budgets: {}, git: { author: 'agentfleet <fleet@localhost>' } };

/** `<dir>/<name>.json`: a plan of shell tasks (2 s estimates, no retries unless `defaults` says so). */
export function writeShellPlan(dir: string, name: string, tasks: Record<string, unknown>[], defaults: Record<string, unknown> = {}): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, defaults: { agent: 'shell', estimate: '2s', retries: 0, ...defaults }, tasks }));
  return file;
}

/** Shell tasks `<prefix>-1` ... `<prefix>-<n>`, each sleeping `seconds`. */
export function sleepers(prefix: string, n: number, seconds: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i + 1}`, run: `sleep ${seconds}` }));
}
