// Samples this host's CPU, load, memory, disk and a set of processes (the worker pids) for the
// host daemon's heartbeat. Linux reads /proc directly (no dependencies); elsewhere the host
// figures come from node:os and the process list stays empty.
import { open, readFile, statfs } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clamp,
  cpuRatio,
  parseKernelPageSize,
  parseMeminfo,
  parsePidStat,
  parseProcStat,
  parseStatmResidentPages,
  type CpuTimes,
} from './proc.js';

export interface ProcessSample {
  pid: number;
  rssBytes: number;
  /** CPU used since the previous sample, as a share of one core (2 = two cores busy) */
  cpu: number;
}

export interface HostSample {
  /** epoch milliseconds */
  at: number;
  /** busy share of all cores since the previous sample, 0..1 */
  cpu: number;
  cores: number;
  load1: number;
  memory: { used: number; total: number };
  /** bytes available to unprivileged users on the filesystem holding `diskPath` */
  diskFree: number;
  /** one entry per requested pid that is alive (exited and zombie pids are left out) */
  processes: ProcessSample[];
}

export interface HostSamplerOptions {
  /** directory whose filesystem's free space is reported (the workspace root) */
  diskPath: string;
  /** defaults to /proc; tests may point it elsewhere */
  procRoot?: string;
  /** the first sample measures CPU over this interval (ms), later ones since the previous sample */
  primeMs?: number;
}

interface PidRecord {
  startTicks: number;
  cpuTicks: number;
}

const DEFAULT_PAGE_SIZE = 4096;

export class HostSampler {
  private readonly diskPath: string;
  private readonly procRoot: string;
  private readonly primeMs: number;
  private prevCpu: CpuTimes | undefined;
  private prevPids = new Map<number, PidRecord>();
  private pageSize: number | undefined;
  private procAvailable: boolean | undefined;

  constructor(opts: HostSamplerOptions) {
    this.diskPath = resolve(opts.diskPath);
    this.procRoot = opts.procRoot ?? '/proc';
    this.primeMs = opts.primeMs ?? 250;
  }

  async sample(pids: readonly number[] = []): Promise<HostSample> {
    if (this.prevCpu === undefined) {
      this.prevCpu = await this.readCpuTimes();
      if (this.procAvailable) await this.readProcesses(pids, this.prevCpu); // primes per-pid counters
      await sleep(this.primeMs);
    }
    const cpuTimes = await this.readCpuTimes();
    const [memory, diskFree, processes] = await Promise.all([
      this.readMemory(),
      diskFreeBytes(this.diskPath),
      this.procAvailable ? this.readProcesses(pids, cpuTimes) : Promise.resolve([]),
    ]);
    const cpu = cpuRatio(this.prevCpu, cpuTimes);
    this.prevCpu = cpuTimes;
    return { at: Date.now(), cpu, cores: cpuTimes.cores, load1: loadavg()[0] ?? 0, memory, diskFree, processes };
  }

  private async readCpuTimes(): Promise<CpuTimes> {
    if (this.procAvailable !== false) {
      try {
        const times = parseProcStat(await readFile(`${this.procRoot}/stat`, 'utf8'));
        this.procAvailable = true;
        return times;
      } catch (err) {
        if (this.procAvailable === true) throw err;
        this.procAvailable = false;
      }
    }
    let total = 0;
    let idle = 0;
    const list = cpus();
    for (const c of list) {
      total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
      idle += c.times.idle;
    }
    return { total, idle, cores: Math.max(list.length, 1) };
  }

  private async readMemory(): Promise<{ used: number; total: number }> {
    if (this.procAvailable) {
      const info = parseMeminfo(await readFile(`${this.procRoot}/meminfo`, 'utf8'));
      return { used: info.totalBytes - info.availableBytes, total: info.totalBytes };
    }
    return { used: totalmem() - freemem(), total: totalmem() };
  }

  private async readProcesses(pids: readonly number[], now: CpuTimes): Promise<ProcessSample[]> {
    const pageSize = await this.getPageSize();
    // Ticks since boot, as seen by one core: the clock in which process times and start are kept.
    const coreTicks = now.total / now.cores;
    const seen = new Map<number, PidRecord>();
    const out: ProcessSample[] = [];
    const valid = [...new Set(pids)].filter((pid) => Number.isInteger(pid) && pid > 0);
    const reads = await Promise.all(
      valid.map(async (pid) => {
        try {
          const [stat, statm] = await Promise.all([readFile(`${this.procRoot}/${pid}/stat`, 'utf8'), readFile(`${this.procRoot}/${pid}/statm`, 'utf8')]);
          return { pid, stat: parsePidStat(stat), residentPages: parseStatmResidentPages(statm) };
        } catch {
          return undefined; // exited between the list and the read
        }
      }),
    );
    for (const read of reads) {
      if (!read) continue;
      const { pid, stat, residentPages } = read;
      if (stat.state === 'Z' || stat.state === 'X') continue;
      const prev = this.prevPids.get(pid);
      let cpu: number;
      if (prev && prev.startTicks === stat.startTicks && this.prevCpu) {
        const elapsed = (now.total - this.prevCpu.total) / now.cores;
        cpu = elapsed > 0 ? (stat.cpuTicks - prev.cpuTicks) / elapsed : 0;
      } else {
        // First sight of this process: its average since it started.
        const lifetime = coreTicks - stat.startTicks;
        cpu = lifetime > 0 ? stat.cpuTicks / lifetime : 0;
      }
      seen.set(pid, { startTicks: stat.startTicks, cpuTicks: stat.cpuTicks });
      out.push({ pid, rssBytes: residentPages * pageSize, cpu: clamp(cpu, 0, now.cores) });
    }
    this.prevPids = seen;
    return out;
  }

  private async getPageSize(): Promise<number> {
    if (this.pageSize !== undefined) return this.pageSize;
    let size: number | undefined;
    try {
      // The first mapping's entry is enough; smaps of a whole process can be large.
      const fh = await open(`${this.procRoot}/self/smaps`, 'r');
      try {
        const buf = Buffer.alloc(4096);
        const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
        size = parseKernelPageSize(buf.subarray(0, bytesRead).toString('utf8'));
      } finally {
        await fh.close();
      }
    } catch {
      size = undefined;
    }
    this.pageSize = size ?? DEFAULT_PAGE_SIZE;
    return this.pageSize;
  }
}

/** Free bytes for unprivileged users on the filesystem of `path`, or of its nearest existing ancestor. */
export async function diskFreeBytes(path: string): Promise<number> {
  let dir = resolve(path);
  for (;;) {
    try {
      const s = await statfs(dir);
      return Number(s.bavail) * Number(s.bsize);
    } catch (err) {
      const parent = dirname(dir);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw err;
      dir = parent;
    }
  }
}
