import { cell } from '../format.js';

/** The last lines of an output tail, for a line of the report. */
export function tailLine(tail: string | null | undefined): string {
  const last = tail?.trim().split('\n').slice(-3).join(' | ');
  return last ? ` — ${cell(last, 300)}` : '';
}
