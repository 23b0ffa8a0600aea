import { providerStep } from './provider-step.js';
import { setTimeout as delay } from 'node:timers/promises';
import { WaitRequest } from '@agentfleet/core';
import { abortError } from '../budget.js';
import type { AgentRunRequest } from '../types.js';

/** Waits for every usable provider up to this long hold the task's slot; longer ones park it. */
export const PARK_AFTER_MS = 60_000;

/** setTimeout's limit (~24.8 days); callers re-check their condition after a capped wait. */
const MAX_TIMER_MS = 2_147_483_647;

/** Waits ms (at most ~24.8 days), or rejects with the signal's reason as soon as it aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(Math.min(Math.max(0, ms), MAX_TIMER_MS), undefined, { signal }).catch((e: unknown) => {
    throw signal.aborted ? (signal.reason as Error) : e;
  });
}

/** The wait of a task whose providers are all paused until `until`: parked, woken at the reset. */
export function providerPauseWait(reason: string, until: number): WaitRequest {
  return new WaitRequest({ kind: 'provider_pause', reason, until });
}

/**
 * Waits while a provider is paused fleet-wide (agents that do not pick from the chain, e.g.
 * codex or claude on their own login): a short wait holds the slot, a long one parks the task.
 */
export async function waitForPause(req: Pick<AgentRunRequest, 'pauses' | 'signal' | 'onEvent' | 'task'>, provider: string, parkAfterMs = PARK_AFTER_MS): Promise<void> {
  while (true) {
    const until = await req.pauses.pausedUntil(provider);
    const wait = until - Date.now();
    if (wait <= 0) return;
    if (wait > parkAfterMs) throw providerPauseWait(`${provider} is paused fleet-wide until ${new Date(until).toISOString()}`, until);
    req.onEvent(providerStep(`${provider} is paused fleet-wide; waiting ${Math.ceil(wait / 1000)} s`));
    await sleep(wait, req.signal).catch(() => {
      throw abortError(req.signal, req.task.taskId);
    });
  }
}
