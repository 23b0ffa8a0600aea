import { formatDuration } from '@agentfleet/core';

/** Writes one JSON document to stdout (the machine-readable contract of a command). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(lines: readonly string[]): void {
  process.stdout.write(lines.length ? `${lines.join('\n')}\n` : '');
}

/** Rows of cells as aligned columns; the first column is padded, the rest left as is. */
export function formatTable(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  '));
}

/** Minutes as planners read them: "60m", "12.5m"; from two hours on also "244m (4h04m)". */
export function formatMinutes(minutes: number): string {
  const text = `${Math.round(minutes * 10) / 10}m`;
  return minutes >= 120 ? `${text} (${formatDuration(minutes * 60_000)})` : text;
}

/** "a, b, c, ... (+N more)": long lists stay one readable line. */
export function formatList(items: readonly string[], max = 12): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')}, ... (+${items.length - max} more)`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}
