import { z } from 'zod';
import { parseDuration } from '../duration.js';

/** The longest delay a Node timer takes (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A value as a message can show it: a mapping or a list by its kind, not as [object Object]. */
function shown(value: unknown): string {
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a mapping';
  return `'${String(value)}'`;
}

/** A duration such as 90s, 5m, 1h30m, or a number of seconds; parsed to ms. */
export function duration(options: { positive: boolean }) {
  return z.unknown().transform((value, ctx) => {
    const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
    // `99999999999999999999999h` parses to Infinity: not a duration either.
    if (ms === undefined || !Number.isFinite(ms)) {
      ctx.issues.push({ code: 'custom', input: value, message: `${shown(value)} is not a duration (write e.g. 90s, 5m, 1h30m)` });
      return z.NEVER;
    }
    if (options.positive && ms <= 0) {
      ctx.issues.push({ code: 'custom', input: value, message: `must be longer than 0, not '${String(value)}'` });
      return z.NEVER;
    }
    // Timeouts become timers: past 2^31-1 ms Node fires them at once instead of never.
    if (options.positive && ms > MAX_TIMER_MS) {
      ctx.issues.push({ code: 'custom', input: value, message: `'${String(value)}' is longer than the maximum of 24 days` });
      return z.NEVER;
    }
    return ms;
  }).optional();
}
