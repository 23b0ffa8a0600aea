import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

export type ProviderFailure =
  | { kind: 'rate_limited'; untilMs: number; message: string }
  | { kind: 'down'; message: string }
  | { kind: 'fatal'; message: string };

/** Thrown by our own stream watchdog when a provider stops sending mid-answer. */
export class ProviderStallError extends Error {
  constructor(ms: number) {
    super(`no data from the provider for ${ms} ms`);
    this.name = 'ProviderStallError';
  }
}

/** How long a 429 pauses a provider when it says nothing of its reset. */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 30_000;

/** "1s", "6m0s", "20ms", "1h2m3.5s" (OpenAI's x-ratelimit-reset-* format) -> ms. */
export function parseGoDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
    matched += m[0];
  }
  return matched.length > 0 && matched === text.trim() ? total : undefined;
}

type HeaderGetter = (name: string) => string | null | undefined;

/**
 * When a 429 lifts, from retry-after-ms, retry-after (seconds or HTTP date),
 * x-ratelimit-reset (epoch seconds or seconds from now), x-ratelimit-reset-requests/-tokens
 * (durations); the latest of them wins. Default 30 s when none is given.
 */
export function rateLimitResetAt(get: HeaderGetter, now: number): number {
  const candidates: number[] = [];
  const ms = get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) candidates.push(now + Number(ms));
  const ra = get('retry-after');
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra.trim())) candidates.push(now + Number(ra) * 1000);
    else if (!Number.isNaN(Date.parse(ra))) candidates.push(Date.parse(ra));
  }
  const reset = get('x-ratelimit-reset');
  if (reset && /^\d+(\.\d+)?$/.test(reset.trim())) {
    const n = Number(reset);
    // epoch seconds are ~1.7e9; anything small is a delay
    candidates.push(n > 1e9 ? n * 1000 : now + n * 1000);
  }
  for (const h of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const v = get(h);
    const d = v ? parseGoDuration(v) : undefined;
    if (d !== undefined) candidates.push(now + d);
  }
  const at = candidates.filter((t) => t > now);
  return at.length ? Math.max(...at) : now + DEFAULT_RATE_LIMIT_PAUSE_MS;
}

function headerGetter(headers: unknown): HeaderGetter {
  if (headers && typeof (headers as Headers).get === 'function') return (n) => (headers as Headers).get(n);
  if (headers && typeof headers === 'object') {
    const rec = headers as Record<string, string | undefined>;
    return (n) => rec[n] ?? rec[n.toLowerCase()];
  }
  return () => undefined;
}

/** What a failed provider call means for the chain: pause it fleet-wide, cool it down, or give up. */
export function classifyProviderError(e: unknown, now: number): ProviderFailure {
  if (e instanceof ProviderStallError) return { kind: 'down', message: e.message };
  if (e instanceof APIConnectionTimeoutError) return { kind: 'down', message: 'request timed out' };
  if (e instanceof APIConnectionError) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'down', message: `connection failed${cause?.code ? ` (${cause.code})` : cause?.message ? ` (${cause.message})` : ''}` };
  }
  if (e instanceof APIUserAbortError) return { kind: 'down', message: 'request aborted' };
  if (e instanceof APIError) {
    const status = e.status ?? 0;
    if (status === 429) return { kind: 'rate_limited', untilMs: rateLimitResetAt(headerGetter(e.headers), now), message: `429: ${e.message}` };
    // 5xx, auth and routing failures are the provider's problem: the next one may serve
    if (status >= 500 || status === 401 || status === 403 || status === 404 || status === 408 || status === 0) return { kind: 'down', message: `${status || 'no status'}: ${e.message}` };
    return { kind: 'fatal', message: `${status}: ${e.message}` };
  }
  const code = (e as { code?: string }).code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET'].includes(code)) {
    return { kind: 'down', message: code };
  }
  return { kind: 'fatal', message: e instanceof Error ? e.message : String(e) };
}
