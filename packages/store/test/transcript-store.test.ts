// How an attempt's transcript is kept in Redis: batches as stream entries, read back in order,
// and the last entries written with the task's end, only by the attempt that ends it.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { makeRunId, type TranscriptEntry } from '@agentfleet/core';
import { noConfig, plan, task, testStores } from '@agentfleet/testkit';

const stores = testStores(() => inject('redisUrl'));
afterEach(stores.dropAll);

const step = (seq: number, detail: string): TranscriptEntry => ({ type: 'step', step: 'workspace', status: 'ok', detail, at: 1_700_000_000_000 + seq, seq });
const texts = (entries: TranscriptEntry[]) => entries.map((e) => JSON.stringify(e));

describe('transcripts in Redis', () => {
  it('a batch is one stream entry (past 1,000 entries, one per 1,000) and reads back whole and in order', async () => {
    const store = stores.open('transcript-batches');
    const ref = { runId: makeRunId(new Date()), taskId: 't', attempt: 1 };
    const first = [step(1, 'a'), step(2, 'b')];
    const big = Array.from({ length: 2500 }, (_, i) => step(i + 3, `line ${i}`));
    await store.transcripts.append(ref, first);
    await store.transcripts.append(ref, big, { expireMs: 60_000 });
    expect(await store.redis.xlen(store.transcripts.key(ref))).toBe(4);
    const read = await store.transcripts.read(ref);
    expect(read.map((r) => r.entry)).toEqual([...first, ...big]);
    // following on after a batch's id never splits it
    const after = await store.transcripts.read(ref, read[1]!.id);
    expect(after[0]!.entry).toEqual(big[0]);
    expect(await store.transcripts.attempts(ref.runId, 't')).toEqual([1]);
    const ttl = await store.redis.pttl(store.transcripts.key(ref));
    expect(ttl).toBeGreaterThan(50_000);
    expect(await store.redis.pttl(store.keys.runTranscripts(ref.runId))).toBeGreaterThan(50_000);
  });

  it("the task's end writes the transcript's last entries with it; a stale attempt's are left to its writer", async () => {
    const store = stores.open('transcript-tail');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan([task('a'), task('b')]), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
    const claim = async (taskId: string, worker: string) => {
      const c = await store.attempts.claim(runId, taskId, 'h', worker);
      if (!c.ok) throw new Error(`claim of ${taskId}: ${c.status}`);
      return { host: 'h', worker, attempt: c.attempts, startedAt: c.startedAt };
    };
    const owner = await claim('a', 'h-0');
    const ref = { runId, taskId: 'a', attempt: owner.attempt };
    const tail = [step(1, 'ws'), { type: 'step', step: 'attempt', status: 'ok', detail: 'succeeded', at: 1, seq: 2 } as TranscriptEntry];
    const done = await store.attempts.complete({ runId, taskId: 'a', outcome: 'succeeded', result: {}, owner, transcript: { ref, texts: texts(tail), expireMs: 60_000 } });
    expect(done.stale).toBe(false);
    expect((await store.transcripts.all(ref))).toEqual(tail);
    expect(await store.redis.pttl(store.transcripts.key(ref))).toBeGreaterThan(50_000);
    expect((await store.read.task(runId, 'a'))?.status).toBe('succeeded');

    // b's first attempt was replaced by a second: its end (and its transcript tail) is not written
    const stale = await claim('b', 'h-0');
    await claim('b', 'h-1');
    const staleRef = { runId, taskId: 'b', attempt: stale.attempt };
    const res = await store.attempts.complete({ runId, taskId: 'b', outcome: 'succeeded', result: {}, owner: stale, transcript: { ref: staleRef, texts: texts(tail), expireMs: 60_000 } });
    expect(res.stale).toBe(true);
    expect(await store.transcripts.all(staleRef)).toEqual([]);
    expect(await store.transcripts.attempts(runId, 'b')).toEqual([]);
  });
});
