import { DEFAULT_RATE_LIMIT_PAUSE_MS } from '../providers/classify.js';

/**
 * What codex's error messages say about limits. Codex retries 429s itself and reports
 * `Reconnecting... n/5 (exceeded retry limit, last status: 429 ...)`, with a reset only when
 * the provider's message gave one ("try again in 20s"); a subscription usage limit reads
 * "You've hit your usage limit ... try again at 4:45 PM" (the host's local time).
 */
export type CodexLimit = { kind: 'rate_limit' | 'usage_limit'; until: number; reported: boolean };

const RATE_LIMIT = /\b429\b|rate.?limit|too many requests/i;
const USAGE_LIMIT = /usage limit|usage_limit_reached/i;
/** A usage limit whose reset codex did not say is tried again after this long. */
const UNKNOWN_USAGE_RESET_MS = 15 * 60_000;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function codexLimit(message: string, now: number): CodexLimit | undefined {
  const usage = USAGE_LIMIT.test(message);
  if (!usage && !RATE_LIMIT.test(message)) return undefined;
  const at = tryAgainAt(message, now) ?? tryAgainIn(message, now);
  const kind = usage ? 'usage_limit' : 'rate_limit';
  if (at !== undefined && at > now) return { kind, until: at, reported: true };
  return { kind, until: now + (usage ? UNKNOWN_USAGE_RESET_MS : DEFAULT_RATE_LIMIT_PAUSE_MS), reported: false };
}

/** "try again in 20s", "retry in 1.5 minutes", "try again in 2 hours 5 minutes" */
function tryAgainIn(message: string, now: number): number | undefined {
  const m = /(?:try again|retry) in\s+((?:\d+(?:\.\d+)?\s*[a-z]+[\s,]*(?:and\s+)?)+)/i.exec(message);
  if (!m) return undefined;
  let ms = 0;
  for (const part of m[1]!.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/gi)) {
    const n = Number(part[1]);
    const unit = part[2]!.toLowerCase();
    if (unit.startsWith('ms') || unit.startsWith('milli')) ms += n;
    else if (unit.startsWith('s')) ms += n * 1000;
    else if (unit.startsWith('m')) ms += n * 60_000;
    else if (unit.startsWith('h')) ms += n * 3_600_000;
    else if (unit.startsWith('d')) ms += n * 86_400_000;
  }
  return ms > 0 ? now + ms : undefined;
}

/**
 * "try again at 4:45 PM" (today or tomorrow), "try again at Dec 2nd, 2026 12:14 AM" (codex's
 * form for a reset on another day), "try again at 4:45 PM on Dec 3", in local time.
 */
function tryAgainAt(message: string, now: number): number | undefined {
  const dated = /try again at\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\s+(\d{1,2}):(\d{2})\s*([AaPp][Mm])?/i.exec(message);
  if (dated) {
    const month = MONTHS.indexOf(dated[1]!.toLowerCase());
    if (month < 0) return undefined;
    return atMinuteEnd(new Date(Number(dated[3]), month, Number(dated[2]), hourOf(dated[4]!, dated[6]), Number(dated[5]), 0, 0).getTime(), now);
  }
  const m = /try again at\s+(\d{1,2}):(\d{2})\s*([AaPp][Mm])?(?:\s+on\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}))?/i.exec(message);
  if (!m) return undefined;
  const d = new Date(now);
  if (m[4]) {
    const month = MONTHS.indexOf(m[4].toLowerCase());
    if (month < 0) return undefined;
    d.setMonth(month, Number(m[5]));
    if (d.getTime() < now - 86_400_000) d.setFullYear(d.getFullYear() + 1);
  }
  d.setHours(hourOf(m[1]!, m[3]), Number(m[2]), 0, 0);
  const at = atMinuteEnd(d.getTime(), now);
  if (at > now || m[4]) return at;
  d.setDate(d.getDate() + 1); // an earlier time of day: tomorrow's
  return d.getTime();
}

/** 12-hour clock with AM/PM, or a 24-hour one. */
function hourOf(hour: string, ampm: string | undefined): number {
  if (!ampm) return Number(hour);
  return (Number(hour) % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
}

/** Minutes only: a reset "at 4:45" seen at 4:45:30 is within this minute, so at its end. */
function atMinuteEnd(at: number, now: number): number {
  return at <= now && at > now - 60_000 ? at + 60_000 : at;
}
