import { describe, expect, expectTypeOf, it } from 'vitest';
import type { FleetStats, HostStatus, QueueCount, RunWithCounts, WorkerStatus } from '@agentfleet/store';
import { parseSamples, promtool, requireBinaries, snapshot } from '@agentfleet/testkit';
import { cumulativeBuckets } from '../src/histogram-totals.js';
import { buildMetricsRegistry, exportedSeriesNames, renderMetrics } from '../src/metrics.js';
import type { FleetStatsSnapshot, HostSnapshot, QueueCountSnapshot, RunSnapshot, WorkerSnapshot } from '../src/snapshot.js';

describe('store types fit the telemetry snapshot', () => {
  it('accepts the store values as they are', () => {
    expectTypeOf<HostStatus>().toExtend<HostSnapshot>();
    expectTypeOf<WorkerStatus>().toExtend<WorkerSnapshot>();
    expectTypeOf<FleetStats>().toExtend<FleetStatsSnapshot>();
    expectTypeOf<QueueCount>().toExtend<QueueCountSnapshot>();
    expectTypeOf<RunWithCounts>().toExtend<RunSnapshot>();
  });
});

describe('cumulativeBuckets', () => {
  it('accumulates per-bucket counts and ends with +Inf equal to the count', () => {
    expect(cumulativeBuckets([1, 5], { buckets: [2, 3, 1], sum: 20, count: 6 })).toEqual({
      buckets: [{ le: '1', count: 2 }, { le: '5', count: 5 }, { le: '+Inf', count: 6 }],
      count: 6,
    });
    // without a +Inf slot, the count supplies it
    expect(cumulativeBuckets([0.5], { buckets: [4], sum: 1, count: 5 }).buckets).toEqual([{ le: '0.5', count: 4 }, { le: '+Inf', count: 5 }]);
  });

  it('refuses totals that do not match the bounds', () => {
    expect(() => cumulativeBuckets([1, 5], { buckets: [1], sum: 0, count: 1 })).toThrow(/1 buckets but 2 bounds/);
    expect(() => cumulativeBuckets([5, 1], { buckets: [0, 0], sum: 0, count: 0 })).toThrow(/ascend/);
  });
});

describe('metrics from a snapshot', () => {
  it('renders the families with the snapshot values', async () => {
    const samples = parseSamples(await renderMetrics(snapshot()));
    expect(samples.get('agentfleet_host_up{host="mugen"}')).toBe(1);
    expect(samples.get('agentfleet_host_up{host="majin"}')).toBe(0);
    expect(samples.get('agentfleet_host_memory_used_bytes{host="mugen"}')).toBe(9e9);
    expect(samples.get('agentfleet_worker_slots_busy{host="mugen"}')).toBe(2);
    expect(samples.get('agentfleet_worker_slots_desired{host="majin"}')).toBe(2);
    expect(samples.get('agentfleet_worker_restarts_total{host="mugen"}')).toBe(1);
    expect(samples.get('agentfleet_queue_jobs{queue="tasks",state="waiting"}')).toBe(7);
    expect(samples.get('agentfleet_tasks_total{status="succeeded",agent="shell"}')).toBe(40);
    expect(samples.get('agentfleet_task_retries_total{agent="shell"}')).toBe(3);
    expect(samples.get('agentfleet_tokens_total{model="openai/gpt-oss-20b",kind="output"}')).toBe(9000);
    expect(samples.get('agentfleet_cost_usd_total{model="openai/gpt-oss-20b"}')).toBeCloseTo(0.0165);
    expect(samples.get('agentfleet_runs{state="running"}')).toBe(1);
    expect(samples.get('agentfleet_runs{state="cancelled"}')).toBe(0);
    expect(samples.get('agentfleet_runs_finished_total{status="succeeded"}')).toBe(3);
    expect(samples.get('agentfleet_active_run_tasks{status="succeeded"}')).toBe(20);
    expect(samples.get('agentfleet_runs_over_budget')).toBe(1);
    expect(samples.get('agentfleet_redis_memory_max_bytes')).toBe(1e9);
    // histograms: cumulative buckets, +Inf == count
    expect(samples.get('agentfleet_task_duration_seconds_bucket{agent="shell",le="5"}')).toBe(15);
    expect(samples.get('agentfleet_task_duration_seconds_bucket{agent="codex",le="+Inf"}')).toBe(13);
    expect(samples.get('agentfleet_task_duration_seconds_count{agent="codex"}')).toBe(13);
    expect(samples.get('agentfleet_task_wait_seconds_sum')).toBe(80);
  });

  it('exports provider economics: permit waits, permits in use and waiting under the cap, and pauses', async () => {
    const samples = parseSamples(await renderMetrics(snapshot()));
    expect(samples.get('agentfleet_provider_permit_waits_total{provider="lan"}')).toBe(14);
    expect(samples.get('agentfleet_provider_permit_wait_seconds_total{provider="lan"}')).toBe(42);
    expect(samples.get('agentfleet_provider_permits_in_use{provider="lan"}')).toBe(4);
    expect(samples.get('agentfleet_provider_permit_waiters{provider="lan"}')).toBe(14);
    expect(samples.get('agentfleet_provider_permit_limit{provider="lan"}')).toBe(4);
    const paused = samples.get('agentfleet_provider_paused_seconds{provider="groq"}')!;
    expect(paused).toBeGreaterThan(25);
    expect(paused).toBeLessThanOrEqual(30);
  });

  it('leaves processes of a down host out and counts no budget when none is configured', async () => {
    const snap = { ...snapshot(), runBudgetUsd: null };
    const samples = parseSamples(await renderMetrics(snap));
    expect([...samples.keys()].some((k) => k.includes('host="majin",slot='))).toBe(false);
    expect(samples.get('agentfleet_runs_over_budget')).toBe(0);
    expect(samples.has('agentfleet_run_budget_usd')).toBe(false);
  });

  it('passes promtool check metrics', async () => {
    if (!requireBinaries('promtool')) return;
    const r = promtool(['check', 'metrics'], await renderMetrics(snapshot()));
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('keeps label values bounded: no run or task id anywhere', async () => {
    const snap = snapshot();
    const ids = new Set<string>([...snap.runs.map((r) => r.id)]);
    for (const h of snap.hosts) for (const w of h.workers ?? []) for (const v of [w.runId, w.taskId]) if (v) ids.add(v);
    const text = await renderMetrics(snap);
    for (const id of ids) expect(text).not.toContain(id);
    const allowed = new Set(['host', 'slot', 'queue', 'state', 'status', 'agent', 'model', 'kind', 'provider', 'le']);
    for (const key of parseSamples(text).keys()) {
      for (const m of key.matchAll(/([a-z_]+)="([^"]*)"/g)) {
        expect(allowed, `label ${m[1]} in ${key}`).toContain(m[1]);
        expect(m[2], `label value in ${key} looks like an id`).not.toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$|^[0-9a-f-]{32,}$/);
      }
    }
  });

  it('lists series names with histogram suffixes', () => {
    const names = exportedSeriesNames(buildMetricsRegistry(snapshot()));
    expect(names).toContain('agentfleet_task_duration_seconds_bucket');
    expect(names).toContain('agentfleet_task_wait_seconds_count');
    expect(names).toContain('agentfleet_tasks_total');
    expect(names.every((n) => n.startsWith('agentfleet_'))).toBe(true);
  });

  it('fails the scrape with a clear message when bucket totals do not match the bounds', () => {
    const snap = snapshot();
    const bad = { ...snap, stats: { ...snap.stats, wait: { buckets: [1, 2], sum: 1, count: 3 } } };
    expect(() => buildMetricsRegistry(bad)).toThrow(/2 buckets but 10 bounds/);
  });
});
