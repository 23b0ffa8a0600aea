// The monitor over the real FleetStore: a run driven through the store's own claim/complete
// (as workers do), then /metrics and /queues read back what happened. (`fleet top` over the
// real store: apps/cli/test/top/store.test.ts.)
import { afterAll, beforeAll, describe, expect, expectTypeOf, inject, it } from 'vitest';
import { pino } from 'pino';
import { makeRunId } from '@agentfleet/core';
import { DURATION_BUCKETS_SECONDS, WAIT_BUCKETS_SECONDS, type FleetStore, type ReadyTask } from '@agentfleet/store';
import { dropStore, noConfig, parseSamples, plan, promtool, requireBinaries, task, testStore } from '@agentfleet/testkit';
import { createMonitorServer, type MonitorServer } from '../src/server.js';
import type { MonitorSource } from '../src/source.js';

const logger = pino({ level: 'silent' });
const histogramBounds = { durationSeconds: DURATION_BUCKETS_SECONDS, waitSeconds: WAIT_BUCKETS_SECONDS };
let store: FleetStore;
let runId: string;
const monitors: MonitorServer[] = [];

async function drive(ready: ReadyTask[], fail: Set<string>): Promise<void> {
  while (ready.length) {
    const next: ReadyTask[] = [];
    for (const t of ready) {
      const c = await store.attempts.claim(runId, t.taskId, 'mugen', 'mugen-0');
      if (!c.ok) continue;
      const res = fail.has(t.taskId)
        ? await store.attempts.complete({ runId, taskId: t.taskId, outcome: 'failed', result: { durationMs: 2_000 }, error: { kind: 'exit_code', message: 'npm test exited 1' } })
        : await store.attempts.complete({
            runId,
            taskId: t.taskId,
            outcome: 'succeeded',
            result: { durationMs: 42_000 },
            spend: { provider: 'lan', model: 'openai/gpt-oss-20b', usage: { input: 1000, cachedInput: 200, output: 300 }, costUsd: 0.01 },
          });
      next.push(...res.ready);
    }
    ready = next;
  }
}

async function scrape(m: MonitorServer): Promise<string> {
  const res = await fetch(`${m.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

beforeAll(async () => {
  store = testStore('monitor-scrape', inject('redisUrl'));
  runId = makeRunId(new Date());
  const llm = { agent: 'llm' as const, prompt: 'change it' };
  const tasks = [task('a', [], llm), task('b', ['a'], llm), task('c', ['a'], llm), task('d', ['b', 'c'], llm), task('x', [], { agent: 'shell' }), task('y', ['x'], { agent: 'shell' })];
  const { roots } = await store.runs.submit(plan(tasks, 'scrape-run'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
  await drive(roots, new Set(['x']));
});

afterAll(async () => {
  await Promise.all(monitors.map((m) => m.close()));
  await dropStore(store);
});

describe('monitor over the real store', () => {
  it("takes the store's fleet figures as its source", () => {
    expectTypeOf<FleetStore['figures']>().toExtend<MonitorSource>();
  });

  it('exports what the run did, bounded, valid for promtool, and the same after a monitor restart', async () => {
    const run = await store.read.get(runId);
    expect(run.status).toBe('failed');
    const first = await createMonitorServer({ source: store.figures, listen: '127.0.0.1:0', logger, histogramBounds });
    monitors.push(first);
    const text = await scrape(first);
    const s = parseSamples(text);
    const sumOf = (prefix: string) => [...s].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
    expect(sumOf('agentfleet_tasks_total{status="succeeded"')).toBe(run.counts.succeeded);
    expect(sumOf('agentfleet_tasks_total{status="failed"')).toBe(run.counts.failed);
    expect(s.get('agentfleet_runs_finished_total{status="failed"}')).toBe(1);
    expect(s.get('agentfleet_runs{state="failed"}')).toBe(1);
    expect(s.get('agentfleet_tokens_total{model="openai/gpt-oss-20b",kind="output"}')).toBe(300 * 4);
    expect(s.get('agentfleet_cost_usd_total{model="openai/gpt-oss-20b"}')).toBeCloseTo(0.04);
    expect(sumOf('agentfleet_task_duration_seconds_count')).toBe(run.counts.succeeded + run.counts.failed);
    expect(s.get('agentfleet_task_duration_seconds_bucket{agent="llm",le="60"}')).toBe(4);
    expect(s.get('agentfleet_task_duration_seconds_bucket{agent="llm",le="30"}')).toBe(0);
    expect(s.get('agentfleet_task_wait_seconds_count')).toBe(run.counts.succeeded + run.counts.failed);
    expect(s.get('agentfleet_redis_memory_used_bytes')).toBeGreaterThan(0);
    expect(text).not.toContain(runId);
    if (requireBinaries('promtool')) {
      const r = promtool(['check', 'metrics'], text);
      expect(r.output).toBe('');
    }
    await first.close();
    const second = await createMonitorServer({ source: store.figures, listen: '127.0.0.1:0', logger, histogramBounds });
    monitors.push(second);
    const again = parseSamples(await scrape(second));
    for (const [k, v] of s) if (/_total\{|_bucket\{|_count|_sum/.test(k)) expect(again.get(k), k).toBe(v);
  });

  it('shows the real task queue on /queues, read-only', async () => {
    const m = await createMonitorServer({ source: store.figures, listen: '127.0.0.1:0', logger, histogramBounds });
    monitors.push(m);
    const body = (await (await fetch(`${m.url}/queues/api/queues`)).json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    const names = (await store.figures.taskQueues()).map((q) => q.name);
    expect(names.length).toBeGreaterThan(0);
    expect(body.queues.map((q) => q.name).sort()).toEqual(names.sort());
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
  });
});
