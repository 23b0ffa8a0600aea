import type { Redis } from 'ioredis';
import { evalReport, InputError, isEvalId, roundUsd, type EvalReport, type EvalStatus, type EvalSummary, type HiddenFile, type TrialResult } from '@agentfleet/core';
import type { Keys } from '../keys.js';
import type { RunReader } from '../run-reader.js';
import { toEvalRecord } from './eval-records.js';
import type { EvalFigures, EvalRecord } from './eval-types.js';
import { runEnded, trialResultOf, trialWithoutRun } from './trial-results.js';

/** Reading evals: records, every trial's result (recorded, or read from its run while unrecorded), summaries, figures. */
export class EvalReader {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly runs: RunReader,
  ) {}

  /** The eval, or one clear message when the id is malformed or unknown. */
  async get(evalId: string): Promise<EvalRecord> {
    if (!isEvalId(evalId)) throw new InputError(`not an eval id: '${evalId}' (such as e20261121-080000-ab12)`);
    const h = await this.redis.hgetall(this.keys.eval(evalId));
    if (!h.id) throw new InputError(`no eval '${evalId}' in Redis (see 'fleet evals')`);
    return toEvalRecord(h);
  }

  /** Recorded results, by run id. */
  async recorded(evalId: string): Promise<Map<string, TrialResult>> {
    const h = await this.redis.hgetall(this.keys.evalResults(evalId));
    return new Map(Object.entries(h).map(([runId, json]) => [runId, JSON.parse(json) as TrialResult]));
  }

  /**
   * Every trial of the eval as it stands: its recorded result, else what its run says now (an
   * ended run not recorded yet is read from its report), else pending, or cancelled when the
   * eval stopped before launching it.
   */
  async trials(e: EvalRecord): Promise<TrialResult[]> {
    const recorded = await this.recorded(e.id);
    const open = e.trials.filter((t, i) => i < e.launched && !recorded.has(t.runId));
    const pipe = this.redis.pipeline();
    for (const t of open) pipe.hget(this.keys.run(t.runId), 'status');
    const statuses = new Map(((await pipe.exec()) ?? []).map((r, i) => [open[i]!.runId, r[1] as string | null]));
    const out: TrialResult[] = [];
    for (const [i, t] of e.trials.entries()) {
      const r = recorded.get(t.runId);
      if (r) out.push(r);
      else if (i >= e.launched) out.push(trialWithoutRun(t, e.stopReason ? 'cancelled' : 'pending', e.stopReason ? `not run: the eval stopped (${e.stopReason})` : undefined));
      else if (statuses.get(t.runId) === null) out.push(trialWithoutRun(t, 'cancelled', 'its run is gone from Redis'));
      else if (runEnded(statuses.get(t.runId))) out.push(trialResultOf(t, await this.runs.report(t.runId)));
      else out.push(trialWithoutRun(t, 'pending'));
    }
    return out;
  }

  summary(e: EvalRecord, trials: readonly TrialResult[]): EvalSummary {
    return {
      id: e.id,
      name: e.name,
      status: e.status,
      stopReason: e.stopReason,
      createdAt: new Date(e.createdAt).toISOString(),
      finishedAt: e.finishedAt ? new Date(e.finishedAt).toISOString() : null,
      repeat: e.repeat,
      budgetUsd: e.budgetUsd,
      costUsd: roundUsd(trials.reduce((s, t) => s + t.costUsd, 0)),
      trials: { total: trials.length, ended: trials.filter((t) => t.status !== 'pending').length, solved: trials.filter((t) => t.status === 'solved').length },
    };
  }

  /** The eval's report: every variant's scores, the case table, the trials; against a baseline eval when one is named. */
  async report(evalId: string, baselineId?: string): Promise<EvalReport> {
    const e = await this.get(evalId);
    const trials = await this.trials(e);
    const inputs = { summary: this.summary(e, trials), variants: e.variants, caseIds: e.cases.map((c) => c.id), trials };
    if (!baselineId) return evalReport(inputs);
    return evalReport(inputs, { evalId: baselineId, trials: await this.trials(await this.get(baselineId)) });
  }

  /** The newest evals first. */
  async list(limit = 20): Promise<EvalSummary[]> {
    const ids = await this.redis.zrevrange(this.keys.evals(), 0, limit - 1);
    const out: EvalSummary[] = [];
    for (const id of ids) {
      const h = await this.redis.hgetall(this.keys.eval(id));
      if (!h.id) continue;
      const e = toEvalRecord(h);
      out.push(this.summary(e, await this.trials(e)));
    }
    return out;
  }

  /** A case's hidden files as they travel with the eval; null once the eval has settled (they are removed then). */
  async hidden(evalId: string, caseId: string): Promise<HiddenFile[] | null> {
    const json = await this.redis.hget(this.keys.evalHidden(evalId), caseId);
    return json === null ? null : (JSON.parse(json) as HiddenFile[]);
  }

  /** What the monitor exports about evals. */
  async figures(): Promise<EvalFigures> {
    const evals: Record<EvalStatus, number> = { running: 0, finished: 0, stopped: 0 };
    for (const id of await this.redis.zrange(this.keys.evals(), 0, -1)) {
      const status = (await this.redis.hget(this.keys.eval(id), 'status')) as EvalStatus | null;
      if (status && status in evals) evals[status]++;
    }
    const trials = { pending: 0, solved: 0, unsolved: 0, cancelled: 0 };
    for (const id of await this.redis.smembers(this.keys.activeEvals())) {
      const h = await this.redis.hgetall(this.keys.eval(id));
      if (h.id) for (const t of await this.trials(toEvalRecord(h))) trials[t.status]++;
    }
    return { evals, trials, ...parseEvalStats(await this.redis.hgetall(this.keys.evalStats())) };
  }
}

function parseEvalStats(h: Record<string, string>): Pick<EvalFigures, 'totals' | 'cost'> {
  const totals: EvalFigures['totals'] = [];
  const cost: EvalFigures['cost'] = [];
  for (const [field, value] of Object.entries(h)) {
    const [kind, agent = '', tier = '', provider = '', status = ''] = field.split('|');
    if (kind === 'trials') totals.push({ agent, tier, provider, status, count: Number(value) });
    if (kind === 'cost') cost.push({ agent, tier, provider, usd: Number(value) });
  }
  return { totals, cost };
}

