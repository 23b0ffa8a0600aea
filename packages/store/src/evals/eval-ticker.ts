import type { Redis } from 'ioredis';
import type { TrialResult } from '@agentfleet/core';
import type { Keys } from '../keys.js';
import { KeyedScripts, recordTrialScript, settleEvalScript } from '../scripts/index.js';
import { toEvalRecord, variantLabels } from './eval-records.js';
import type { EvalReader } from './eval-reader.js';
import type { EvalRecord } from './eval-types.js';
import type { EvalWriter } from './eval-writer.js';

export interface AdvanceReport {
  launched: number;
  recorded: number;
  stopped: string | null;
  settled: boolean;
}

/**
 * Moves an eval on, each step idempotent: launches the trials not launched yet (when asked:
 * the reconciler and `fleet eval`, not readers), records the result of every trial whose run
 * has ended, stops the eval when its spend reaches its budget, and settles it once every
 * trial is recorded (final status, runs unpinned, hidden files removed).
 */
export class EvalTicker {
  private readonly scripts: KeyedScripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly reader: EvalReader,
    private readonly writer: EvalWriter,
  ) {
    this.scripts = new KeyedScripts(redis);
  }

  /** Every unsettled eval (the reconciler's tick). */
  async tick(owner: string): Promise<AdvanceReport[]> {
    const out: AdvanceReport[] = [];
    for (const id of await this.redis.smembers(this.keys.activeEvals())) out.push(await this.advance(id, { launch: true, owner }));
    return out;
  }

  async advance(evalId: string, opts: { launch: boolean; owner: string }): Promise<AdvanceReport> {
    const report: AdvanceReport = { launched: 0, recorded: 0, stopped: null, settled: false };
    let e = await this.read(evalId);
    if (!e || e.status !== 'running') return report;
    if (opts.launch && e.launched < e.trials.length && !e.stopReason) {
      report.launched = (await this.writer.launch(evalId, opts.owner)) ?? 0;
      e = (await this.read(evalId))!;
    }
    const trials = await this.reader.trials(e);
    report.recorded = await this.record(e, trials);
    if (e.budgetUsd !== null && !e.stopReason && trials.reduce((s, t) => s + t.costUsd, 0) >= e.budgetUsd) {
      await this.writer.stop(evalId, 'budget');
      report.stopped = 'budget';
      return report;
    }
    const allLaunched = e.launched >= e.trials.length || Boolean(e.stopReason);
    if (allLaunched && trials.every((t) => t.status !== 'pending')) {
      // a trial never launched (the eval stopped first) is recorded too: the report stays whole without the eval's runs
      await this.record(e, trials, true);
      report.settled = await this.scripts.call(settleEvalScript, this.keys, { evalId, status: e.stopReason ? 'stopped' : 'finished', runIds: e.trials.map((t) => t.runId) });
    }
    return report;
  }

  private async read(evalId: string): Promise<EvalRecord | null> {
    const h = await this.redis.hgetall(this.keys.eval(evalId));
    return h.id ? toEvalRecord(h) : null;
  }

  /** Records the trials that ended and are not recorded yet (with `unlaunched`, those never launched too). */
  private async record(e: EvalRecord, trials: readonly TrialResult[], unlaunched = false): Promise<number> {
    const recorded = new Set(await this.redis.hkeys(this.keys.evalResults(e.id)));
    let n = 0;
    for (const [i, t] of trials.entries()) {
      if (t.status === 'pending' || recorded.has(t.runId) || (i >= e.launched && !unlaunched)) continue;
      const labels = variantLabels(e.variants.find((v) => v.name === t.variant));
      if (await this.scripts.call(recordTrialScript, this.keys, { evalId: e.id, result: t, ...labels })) n++;
    }
    return n;
  }
}
