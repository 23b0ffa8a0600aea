import { formatDuration } from '@agentfleet/core';

/** Dollars as a report shows them: cents, or four decimals below a cent; '-' for nothing. */
export const usd = (n: number) => (n > 0 ? `$${n.toFixed(n < 0.01 ? 4 : 2)}` : '-');
export const dur = (ms: number | null | undefined) => (ms === null || ms === undefined ? '-' : formatDuration(ms));
/** A value that goes into one table cell or list item: one line, bounded. */
export const cell = (s: string, max = 400) => s.replaceAll('\n', ' ').replaceAll('|', '\\|').slice(0, max);
