import { jsonLine } from '../json-text.js';

/**
 * What Claude Code's stream-json says about rate and usage limits, read line by line beside
 * the event parser: its own 429 retries (`system/api_retry` with the delay it honours, which
 * is the provider's retry-after) and a rejected subscription limit (`rate_limit_event`, with
 * the time it resets).
 */
export interface ClaudeLimits {
  /** epoch ms until which the provider asked claude to hold off (its latest 429 retry) */
  retryUntil?: number;
  /** a subscription usage limit was hit: when it resets, and which window */
  usageLimit?: { until: number; window: string };
}

/** A rejected usage limit without a reset time is tried again after this long. */
const UNKNOWN_RESET_MS = 15 * 60_000;

export function watchClaudeLimits(line: string, limits: ClaudeLimits, now = Date.now()): 'retry' | 'usage_limit' | undefined {
  if (!line.includes('api_retry') && !line.includes('rate_limit_event')) return undefined;
  const ev = jsonLine(line);
  if (!ev) return undefined;
  if (ev.type === 'system' && ev.subtype === 'api_retry' && ev.error_status === 429) {
    const delay = typeof ev.retry_delay_ms === 'number' && Number.isFinite(ev.retry_delay_ms) ? ev.retry_delay_ms : 0;
    if (delay < 1000) return undefined; // claude's own backoff, not a reset the provider reported
    limits.retryUntil = Math.max(limits.retryUntil ?? 0, now + delay);
    return 'retry';
  }
  if (ev.type === 'rate_limit_event') {
    const info = (ev.rate_limit_info ?? {}) as { status?: string; resetsAt?: number; rateLimitType?: string };
    if (info.status !== 'rejected') return undefined;
    const until = typeof info.resetsAt === 'number' ? info.resetsAt * 1000 : now + UNKNOWN_RESET_MS;
    limits.usageLimit = { until, window: info.rateLimitType ?? 'usage' };
    return 'usage_limit';
  }
  return undefined;
}
