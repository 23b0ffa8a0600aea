// One small model server for a whole fleet (a Mac mini serving gpt-oss-20b): 18 llm agents
// against a stand-in that serves 4 requests at a time and stalls the rest, with a paid
// "cloud" behind it in the chain. Baseline (same run): no cap, so the stalled requests time
// out, the LAN provider is marked down and work spills to the cloud. Then providers[0] gets
// maxConcurrent: 4: no timeout, no spill, and the stand-in kept busy (requests served per
// second against its capacity).
//   npx vite-node scripts/bench/provider-cap.ts [--tasks 36] [--turns 3] [--service-ms 2000] [--timeout-ms 6000]
import { makeRunId, parsePlan } from '@agentfleet/core';
import type { RunConfig } from '@agentfleet/store';
import { reply, runEnded, startStandin, type OpenAIStandin, type RecordedRequest } from '@agentfleet/testkit';
import { arg, machine, printTable, startRedis } from './common.js';
import { openStore, startDaemon, waitIdleWorkers } from './local-fleet.js';

const SLOTS = 18;
const CAPACITY = 4;
const TASKS = arg('tasks', 36);
const TURNS = arg('turns', 3);
const SERVICE_MS = arg('service-ms', 2000);
const TIMEOUT_MS = arg('timeout-ms', 6000);

/** Every task looks at the files TURNS - 1 times, then finishes. */
function agentTurn(req: RecordedRequest) {
  const messages = (req.body.messages ?? []) as { role?: string }[];
  const done = messages.filter((m) => m.role === 'tool').length;
  return done < TURNS - 1 ? reply.tool('list_files', {}, { prompt: 800, completion: 40 }) : reply.tool('finish', { summary: 'looked around' }, { prompt: 900, completion: 30 });
}

function config(lan: OpenAIStandin, cloud: OpenAIStandin, maxConcurrent?: number): RunConfig {
  // the LAN box stays "down" for the rest of the run once it timed out, as with a 60 s cool-down
  const models = { low: 'gpt-oss:20b', medium: 'gpt-oss:20b', high: 'gpt-oss:20b' };
  return {
    providers: [
      { name: 'lan', baseURL: lan.url, models, timeoutMs: TIMEOUT_MS, cooldownMs: 600_000, api: 'chat', spill: 'when-down', ...(maxConcurrent ? { maxConcurrent } : {}) },
      { name: 'cloud', baseURL: cloud.url, models, timeoutMs: 20_000, cooldownMs: 60_000, api: 'chat', spill: 'when-down' },
    ],
    pricing: {},
    budgets: {},
    git: { author: 'agentfleet <fleet@localhost>' },
  };
}

interface Outcome {
  timeouts: number;
  spills: number;
  served: number;
  makespanS: number;
  utilization: number;
  failed: number;
}

async function runOnce(url: string, label: string, maxConcurrent?: number): Promise<Outcome> {
  const lan = await startStandin({ capacity: CAPACITY, serviceMs: SERVICE_MS, models: ['gpt-oss:20b'] });
  const cloud = await startStandin({ models: ['gpt-oss:20b'] });
  lan.respondWith(agentTurn);
  cloud.respondWith(agentTurn);
  const prefix = `bench-cap-${label}-${process.pid}`;
  const store = openStore(url, prefix);
  // a daemon of its own per run: provider cool-downs live in the worker processes
  const daemon = await startDaemon(url, prefix, 'mini', SLOTS);
  try {
    await waitIdleWorkers(store, SLOTS);
    const tasks = Array.from({ length: TASKS }, (_, i) => `  - id: t${i}\n    agent: llm\n    complexity: low\n    retries: 0\n    prompt: Look at the files.\n`).join('');
    const runId = makeRunId(new Date());
    const t0 = Date.now();
    await store.runs.submit(parsePlan(`name: cap-${label}\ntasks:\n${tasks}`, 'bench.yaml'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: config(lan, cloud, maxConcurrent) });
    await runEnded(store, runId, Number.POSITIVE_INFINITY, 50);
    const report = await store.read.report(runId);
    const f = lan.figures;
    const window = (f.lastEndAt ?? t0) - (f.firstStartAt ?? t0);
    return {
      timeouts: f.stalled,
      spills: cloud.modelRequests.length,
      served: f.served,
      makespanS: (Date.now() - t0) / 1000,
      utilization: window > 0 ? f.busyMs / (CAPACITY * window) : 0,
      failed: report.tasks.filter((t) => t.status !== 'succeeded').length,
    };
  } finally {
    await daemon.stop();
    await store.close();
    await lan.close();
    await cloud.close();
  }
}

const redis = await startRedis();
try {
  const base = await runOnce(redis.url, 'uncapped');
  const capped = await runOnce(redis.url, 'capped', CAPACITY);
  console.log(`provider-cap benchmark: ${TASKS} llm tasks x ${TURNS} model turns on ${SLOTS} slots; LAN stand-in serves ${CAPACITY} at a time (${SERVICE_MS} ms each), stalls the rest; provider timeout ${TIMEOUT_MS} ms; ${machine()}`);
  printTable([
    ['measure', 'no cap (baseline)', `maxConcurrent: ${CAPACITY}`, 'ratio'],
    ['requests that timed out at the LAN provider', base.timeouts, capped.timeouts, ''],
    ['requests spilled to the cloud provider', base.spills, capped.spills, ''],
    ['requests served by the LAN provider', base.served, capped.served, (capped.served / Math.max(1, base.served)).toFixed(2)],
    ['LAN throughput / its capacity (busy share of its 4 slots)', base.utilization.toFixed(3), capped.utilization.toFixed(3), (capped.utilization / Math.max(1e-9, base.utilization)).toFixed(2)],
    ['run makespan (s)', base.makespanS.toFixed(1), capped.makespanS.toFixed(1), (capped.makespanS / base.makespanS).toFixed(2)],
    ['tasks not succeeded', base.failed, capped.failed, ''],
  ]);
  const met = capped.timeouts === 0 && capped.spills === 0 && capped.utilization >= 0.95 && capped.failed === 0;
  console.log(`goal (no timeout, no spill, throughput >= 0.95 of capacity): ${met ? 'met' : 'NOT met'}`);
} finally {
  await redis.stop();
}
