// Parsers for the Linux /proc files the host sampler reads. Pure: text in, numbers out.

/** Aggregate CPU time counters (in USER_HZ ticks) from the first line of /proc/stat. */
export interface CpuTimes {
  /** all ticks, idle included */
  total: number;
  /** idle + iowait ticks */
  idle: number;
  /** online CPUs (count of the `cpuN` lines) */
  cores: number;
}

export function parseProcStat(text: string): CpuTimes {
  let aggregate: number[] | undefined;
  let cores = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) aggregate = line.trim().split(/\s+/).slice(1).map(Number);
    else if (/^cpu\d+\s/.test(line)) cores++;
  }
  if (!aggregate || aggregate.length < 4 || aggregate.some((n) => !Number.isFinite(n))) {
    throw new Error('unexpected /proc/stat format: no aggregate "cpu" line');
  }
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user/nice.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = aggregate;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, cores: Math.max(cores, 1) };
}

/** Share of CPU time spent busy between two readings, 0..1. */
export function cpuRatio(prev: CpuTimes, next: CpuTimes): number {
  const total = next.total - prev.total;
  const idle = next.idle - prev.idle;
  if (total <= 0) return 0;
  return clamp((total - idle) / total, 0, 1);
}

export interface MemInfo {
  totalBytes: number;
  availableBytes: number;
}

export function parseMeminfo(text: string): MemInfo {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  if (total === undefined) throw new Error('unexpected /proc/meminfo format: no MemTotal');
  // MemAvailable exists since Linux 3.14; older kernels: approximate with free + buffers + cached.
  const available = kb('MemAvailable') ?? (kb('MemFree') ?? 0) + (kb('Buffers') ?? 0) + (kb('Cached') ?? 0);
  return { totalBytes: total, availableBytes: Math.min(available, total) };
}

/** The fields of /proc/<pid>/stat the sampler needs (times in USER_HZ ticks). */
export interface PidStat {
  pid: number;
  state: string;
  /** utime + stime */
  cpuTicks: number;
  /** start time after boot, in ticks: tells a reused pid from the process seen before */
  startTicks: number;
}

export function parsePidStat(text: string): PidStat {
  // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
  const close = text.lastIndexOf(')');
  const open = text.indexOf('(');
  if (open < 0 || close < open) throw new Error('unexpected /proc/<pid>/stat format');
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state); utime = field 14, stime = 15, starttime = 22.
  const field = (n: number): number => Number(rest[n - 3]);
  const utime = field(14);
  const stime = field(15);
  const start = field(22);
  if (![pid, utime, stime, start].every(Number.isFinite)) throw new Error('unexpected /proc/<pid>/stat format');
  return { pid, state: rest[0] ?? '?', cpuTicks: utime + stime, startTicks: start };
}

/** Resident pages from /proc/<pid>/statm (second field). */
export function parseStatmResidentPages(text: string): number {
  const resident = Number(text.trim().split(/\s+/)[1]);
  if (!Number.isFinite(resident)) throw new Error('unexpected /proc/<pid>/statm format');
  return resident;
}

/** KernelPageSize of the first mapping in /proc/self/smaps, in bytes. */
export function parseKernelPageSize(smapsHead: string): number | undefined {
  const m = /^KernelPageSize:\s+(\d+)\s*kB/m.exec(smapsHead);
  return m ? Number(m[1]) * 1024 : undefined;
}

export function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
