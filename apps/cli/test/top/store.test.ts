// `fleet top` over the real FleetStore: the store's fleet figures are a TopSource, and a failure recorded through
// the store's own claim/complete (as a worker records it) is among the recent failures top shows.
import { afterAll, beforeAll, describe, expect, expectTypeOf, inject, it } from 'vitest';
import { makeRunId } from '@agentfleet/core';
import type { FleetStore } from '@agentfleet/store';
import { dropStore, noConfig, plan, task, testStore } from '@agentfleet/testkit';
import { readTopSnapshot, renderSummary, type TopSource } from '../../src/top/index.js';

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
});
