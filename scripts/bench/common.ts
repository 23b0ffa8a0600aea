// Shared by the benchmarks: their redis-server, percentiles, machine description, table output.
import { cpus, totalmem } from 'node:os';
import { TestRedis } from '@agentfleet/testkit';

/** A private redis-server as production runs it (AOF, fsync every second, noeviction). */
export function startRedis(): Promise<TestRedis> {
  return TestRedis.start(['--appendfsync', 'everysec']);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function machine(): string {
  const c = cpus();
  return `${c.length} x ${c[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, node ${process.version}, ${process.platform}`;
}

export function printTable(rows: (string | number)[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i]!)).join('  '));
}

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
