import type { Redis } from 'ioredis';
import { FleetError, InputError, trialPlan, variantProviders, type EvalVariant } from '@agentfleet/core';
import type { Keys } from '../keys.js';
import { Lease } from '../lease.js';
import type { RunArchives } from '../retention/archive-index.js';
import type { RunWriter } from '../run-writer.js';
import type { RunConfig } from '../types.js';
import { evalFields } from './eval-records.js';
import type { EvalReader } from './eval-reader.js';
import type { EvalRecord, NewEval } from './eval-types.js';

const LAUNCH_LEASE_MS = 30_000;
/** Renew the launch lease (and look for a stop) this often while submitting. */
const LAUNCH_CHECK_EVERY = 10;

/**
 * Writing evals: the eval itself in one transaction (all or nothing), then its trials launched
 * as ordinary runs, each pinned against retention until the eval settles. Launching is resumable
 * and done by one holder at a time (a lease): the CLI right after writing, or the reconciler when
 * the CLI died first.
 */
export class EvalWriter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly runs: RunWriter,
    private readonly reader: EvalReader,
    private readonly archives: RunArchives,
  ) {}

  async create(e: NewEval): Promise<void> {
    if (await this.redis.exists(this.keys.eval(e.id))) throw new InputError(`eval ${e.id} already exists`);
    const now = Date.now();
    const tx = this.redis.multi().hset(this.keys.eval(e.id), evalFields(e, now));
    const hidden = Object.entries(e.hidden).filter(([, files]) => files.length);
    if (hidden.length) tx.hset(this.keys.evalHidden(e.id), Object.fromEntries(hidden.map(([c, files]) => [c, JSON.stringify(files)])));
    tx.zadd(this.keys.evals(), now, e.id).sadd(this.keys.activeEvals(), e.id);
    const res = await tx.exec();
    const failed = res?.find(([err]) => err);
    if (!res || failed) throw new FleetError('internal', `writing eval ${e.id} failed: ${failed?.[0]?.message ?? 'transaction aborted'}`);
  }

  /** Submits the trials not launched yet; how many it launched now, or null when another launcher holds the eval. */
  async launch(evalId: string, owner: string): Promise<number | null> {
    const lease = new Lease(this.redis, this.keys.lease(`eval-launch:${evalId}`), owner, LAUNCH_LEASE_MS);
    if (!(await lease.acquire())) return null;
    try {
      let e = await this.reader.get(evalId);
      let launched = 0;
      for (let i = e.launched; i < e.trials.length && e.status === 'running' && !e.stopReason; i++) {
        await this.submitTrial(e, i);
        launched++;
        await this.redis.hset(this.keys.eval(evalId), 'launched', i + 1);
        if (launched % LAUNCH_CHECK_EVERY === 0) {
          if (!(await lease.acquire())) break;
          e = { ...(await this.reader.get(evalId)), launched: i + 1 };
        }
      }
      return launched;
    } finally {
      await lease.release();
    }
  }

  /** One trial as a run of its own (a second submit of the same run id is a no-op: launching resumes safely). */
  private async submitTrial(e: EvalRecord, index: number): Promise<void> {
    const t = e.trials[index]!;
    const c = e.cases.find((x) => x.id === t.caseId);
    const v = e.variants.find((x) => x.name === t.variant);
    if (!c || !v) throw new FleetError('internal', `eval ${e.id}: trial ${t.runId} names case ${t.caseId} / variant ${t.variant}, which the eval does not have`);
    await this.archives.pin(t.runId, `eval ${e.id}`);
    if (await this.redis.exists(this.keys.run(t.runId))) return;
    await this.runs.submit(trialPlan(e.id, c, v, { push: e.push }), { runId: t.runId, schedule: 'deps', failFast: false, baseCommit: c.baseCommit, config: variantConfig(e.config, v, e.budgetUsd) });
  }

  /** Stops the eval (budget, cancel): no further trial is launched, and its runs still going are cancelled. */
  async stop(evalId: string, reason: string): Promise<{ cancelled: string[] }> {
    const e = await this.reader.get(evalId);
    if (e.status !== 'running') return { cancelled: [] };
    await this.redis.hsetnx(this.keys.eval(evalId), 'stopReason', reason);
    const cancelled: string[] = [];
    for (const t of e.trials.slice(0, e.launched)) {
      const status = await this.redis.hget(this.keys.run(t.runId), 'status');
      if (status === null || ['succeeded', 'failed', 'cancelled'].includes(status)) continue;
      await this.runs.cancel(t.runId, `eval ${evalId} stopped: ${reason}`);
      cancelled.push(t.runId);
    }
    return { cancelled };
  }
}

/**
 * A variant's runs: the chain limited to its provider; with an eval budget, no one run may
 * spend more than the whole eval (the eval itself stops at its budget: EvalTicker).
 */
export function variantConfig(config: RunConfig, v: EvalVariant, budgetUsd: number | null): RunConfig {
  const perRun = config.budgets?.perRunUsd;
  const capped = budgetUsd === null ? perRun : Math.min(perRun ?? Infinity, budgetUsd);
  return { ...config, providers: variantProviders(v, config.providers ?? []), budgets: { ...config.budgets, ...(capped !== undefined ? { perRunUsd: capped } : {}) } };
}
