// Polling until a condition holds, for tests that watch real processes, Redis and files.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `fn` every `everyMs` until it returns something truthy, and returns that. A throw counts
 * as "not yet" (the last error is named if time runs out); after `timeoutMs` it throws, naming `what`.
 */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
