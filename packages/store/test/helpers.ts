import { inject } from 'vitest';
import { PLAN_DEFAULTS, type Plan, type TaskSpec } from '@agentfleet/core';
import { createRedis, FleetStore } from '../src/index.js';

let seq = 0;
/** A store on the test Redis with a prefix of its own (files run in parallel). */
export function testStore(name: string): FleetStore {
  const redis = createRedis(inject('redisUrl'));
  return new FleetStore(redis, `t-${name}-${process.pid}-${++seq}`);
}

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

export const noConfig = { providers: [], pricing: {}, budgets: {}, git: { author: 'agentfleet <fleet@localhost>' } };
