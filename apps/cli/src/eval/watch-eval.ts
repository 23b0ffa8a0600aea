import { setTimeout as sleep } from 'node:timers/promises';
import type { EvalStatus, EvalSummary } from '@agentfleet/core';
import type { FleetStore } from '@agentfleet/store';
import { money } from '../report/progress.js';

/** One line of an eval's progress. */
export function evalProgressLine(s: EvalSummary): string {
  const stopping = s.stopReason && s.status === 'running' ? ` · stopping: ${s.stopReason}` : '';
  const why = s.stopReason && s.status === 'stopped' ? ` (${s.stopReason})` : '';
  return `eval ${s.id} ${s.status}${why}: ${s.trials.ended}/${s.trials.total} trials ended, ${s.trials.solved} solved · ${money(s.costUsd)}${s.budgetUsd !== null ? ` of ${money(s.budgetUsd)}` : ''}${stopping}`;
}

/** The eval now, after recording what ended (readers record and settle; they do not launch). */
export async function evalNow(store: FleetStore, evalId: string): Promise<EvalSummary> {
  await store.evals.ticker.advance(evalId, { launch: false, owner: `cli:${process.pid}` });
  const e = await store.evals.read.get(evalId);
  return store.evals.read.summary(e, await store.evals.read.trials(e));
}

/** Follows an eval until it settles, a line on each change; resolves with its final status. */
export async function watchEval(store: FleetStore, evalId: string, out: NodeJS.WritableStream, intervalMs = 1000): Promise<EvalStatus> {
  let last = '';
  for (;;) {
    const s = await evalNow(store, evalId);
    const line = evalProgressLine(s);
    if (line !== last) out.write(`${line}\n`);
    last = line;
    if (s.status !== 'running') return s.status;
    await sleep(intervalMs);
  }
}
