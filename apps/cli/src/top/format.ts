// Small text helpers for the `fleet top` screen: durations, sizes, bars, fitting to a width.

/** 4s, 2m13s, 1h05m, 3d04h */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** 512B, 80M, 9.0G (powers of 1024, one decimal under 10) */
export function formatBytes(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let v = Math.max(0, n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = i > 0 && v < 10 ? v.toFixed(1) : String(Math.round(v));
  return `${text}${units[i]}`;
}

export function formatPercent(ratio: number): string {
  return `${Math.round(Math.min(Math.max(ratio, 0), 9.99) * 100)}%`;
}

/** [#####-----] of `width` cells inside the brackets */
export function bar(ratio: number, width: number): string {
  const cells = Math.max(1, width);
  const filled = Math.round(Math.min(Math.max(Number.isFinite(ratio) ? ratio : 0, 0), 1) * cells);
  return `[${'#'.repeat(filled)}${'-'.repeat(cells - filled)}]`;
}

/** Cuts a line to `width` characters, marking the cut with an ellipsis. */
export function fit(line: string, width: number): string {
  if (line.length <= width) return line;
  if (width <= 1) return line.slice(0, Math.max(width, 0));
  return `${line.slice(0, width - 1)}…`;
}

export function pad(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length);
}
