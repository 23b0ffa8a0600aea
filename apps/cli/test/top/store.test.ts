// `fleet top` over the real FleetStore: the store's fleet figures are a TopSource, and a failure recorded through
// the store's own claim/complete (as a worker records it) is among the recent failures top shows.
import { afterAll, beforeAll, describe, expect, expectTypeOf, inject, it } from 'vitest';
import { makeRunId } from '@agentfleet/core';
import type { FleetStore } from '@agentfleet/store';
import { dropStore, noConfig, plan, task, testStore } from '@agentfleet/testkit';
import { readTopSnapshot, renderSummary, renderTop, type TopSource } from '../../src/top/index.js';

let store: FleetStore;
let runId: string;

beforeAll(async () => {
  store = testStore('top-store', inject('redisUrl'));
  runId = makeRunId(new Date());
  await store.runs.submit(plan([task('x', [], { agent: 'shell' })], 'top-run'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
  expect((await store.attempts.claim(runId, 'x', 'mugen', 'mugen-0')).ok).toBe(true);
  await store.attempts.complete({ runId, taskId: 'x', outcome: 'failed', result: { durationMs: 2_000 }, error: { kind: 'exit_code', message: 'npm test exited 1' } });
});

afterAll(async () => {
  await dropStore(store);
});

describe('fleet top over the real store', () => {
  it("takes the store's fleet figures as its source", () => {
    expectTypeOf<FleetStore['figures']>().toExtend<TopSource>();
  });

  it('feeds `fleet top` with the recent failure', async () => {
    const snap = await readTopSnapshot(store.figures, 5);
    expect(snap.failures).toEqual([expect.objectContaining({ runId, taskId: 'x', kind: 'exit_code', message: 'npm test exited 1' })]);
    expect(snap.runs).toEqual([]); // the run has finished
    expect(renderSummary(snap, Date.now())).toContain('no active run; failures 1');
  });

  it('shows what waits for whom: a gate with its question and how to decide it, a parked task until when', async () => {
    const waitRun = makeRunId(new Date());
    await store.runs.submit(plan([task('ship', [], { agent: 'approval', approval: { prompt: 'Ship v2?', onTimeout: 'reject', timeoutMs: 600_000 } }), task('impl', [], { agent: 'llm', prompt: 'x' })], 'waits'), { runId: waitRun, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    for (const [taskId, status, wait] of [
      ['ship', 'awaiting_approval', { kind: 'approval', reason: 'Ship v2?', until: Date.now() + 600_000 }],
      ['impl', 'parked', { kind: 'usage_limit', reason: 'claude usage limit', until: Date.now() + 3_600_000 }],
    ] as const) {
      const c = await store.attempts.claim(waitRun, taskId, 'mugen', 'mugen-0');
      if (!c.ok) throw new Error('claim failed');
      await store.waits.park({ runId: waitRun, taskId, owner: { host: 'mugen', worker: 'mugen-0', attempt: c.attempts, startedAt: c.startedAt }, status, wait });
    }
    const snap = await readTopSnapshot(store.figures, 5);
    const screen = renderTop(snap, { width: 200, now: Date.now() }).join('\n');
    expect(screen).toMatch(new RegExp(`WAITING\\n  \\d+s ship \\(run waits\\)  awaits approval: Ship v2\\?, timeout in 9m\\d\\ds  ->  fleet approve\\|reject ${waitRun} ship`));
    expect(screen).toMatch(/\d+s impl \(run waits\) {2}parked \(usage_limit\) for (59m\d\ds|1h00m): claude usage limit/);
    expect(renderSummary(snap, Date.now())).toContain('waiting ship (approval), impl (usage_limit)');
  });
});
