import { describe, expect, it } from 'vitest';
import { cpuRatio, parseKernelPageSize, parseMeminfo, parsePidStat, parseProcStat, parseStatmResidentPages } from '../src/proc.js';

describe('/proc parsers', () => {
  it('reads the aggregate cpu line and counts cores', () => {
    const text = 'cpu  100 5 50 800 20 1 4 0 0 0\ncpu0 50 2 25 400 10 1 2 0 0 0\ncpu1 50 3 25 400 10 0 2 0 0 0\nintr 1 2 3\n';
    expect(parseProcStat(text)).toEqual({ total: 980, idle: 820, cores: 2 });
  });

  it('computes the busy share between two readings', () => {
    expect(cpuRatio({ total: 1000, idle: 800, cores: 2 }, { total: 1200, idle: 850, cores: 2 })).toBeCloseTo(0.75);
    expect(cpuRatio({ total: 1000, idle: 800, cores: 2 }, { total: 1000, idle: 800, cores: 2 })).toBe(0);
  });

  it('rejects a /proc/stat without the aggregate line', () => {
    expect(() => parseProcStat('intr 1 2\n')).toThrow(/no aggregate/);
  });

  it('derives used memory from MemAvailable, or from free+buffers+cached on old kernels', () => {
    expect(parseMeminfo('MemTotal:  1000 kB\nMemFree: 100 kB\nMemAvailable:  400 kB\n')).toEqual({ totalBytes: 1024000, availableBytes: 409600 });
    expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 150 kB\n').availableBytes).toBe(300 * 1024);
  });

  it('parses a pid stat line whose command contains spaces and parentheses', () => {
    const fields = ['S', ...Array.from({ length: 50 }, (_, i) => String(i + 4))];
    // utime is field 14 -> value 14, stime 15 -> 15, starttime 22 -> 22
    const line = `4242 (node (worker) x) ${fields.join(' ')}\n`;
    expect(parsePidStat(line)).toEqual({ pid: 4242, state: 'S', cpuTicks: 29, startTicks: 22 });
  });

  it('reads resident pages from statm and the page size from smaps', () => {
    expect(parseStatmResidentPages('5000 1234 300 10 0 900 0\n')).toBe(1234);
    expect(parseKernelPageSize('55d0-55d1 r--p 0 08:01 1 /bin/node\nSize: 4 kB\nKernelPageSize:        4 kB\n')).toBe(4096);
    expect(parseKernelPageSize('nothing')).toBeUndefined();
  });
});
