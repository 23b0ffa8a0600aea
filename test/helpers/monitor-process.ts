// `fleet monitor` as a child process (the built CLI), and reading its Prometheus text.
import { spawn, type ChildProcess } from 'node:child_process';
import { cliBin } from './fleet-harness.js';

export class MonitorProcess {
  private output = '';

  private constructor(
    readonly proc: ChildProcess,
    readonly url: string,
  ) {}

  /** Starts `fleet monitor ARGS` and resolves once it printed the URL it serves on. */
  static start(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<MonitorProcess> {
    const proc = spawn(process.execPath, [cliBin, 'monitor', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`did not print its URL within ${timeoutMs} ms`), timeoutMs);
      const fail = (why: string) => {
        clearTimeout(timer);
        proc.kill('SIGKILL');
        reject(new Error(`fleet monitor ${args.join(' ')} ${why}; output:\n${text}`));
      };
      proc.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
      proc.stderr?.on('data', (b: Buffer) => (text += b.toString()));
      proc.stdout?.on('data', (b: Buffer) => {
        text += b.toString();
        const url = /^monitor on (http:\/\/\S+) /m.exec(text)?.[1];
        if (!url) return;
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        proc.stdout?.removeAllListeners('data');
        proc.stderr?.removeAllListeners('data');
        const m = new MonitorProcess(proc, url);
        m.output = text;
        proc.stdout?.on('data', (c: Buffer) => (m.output += c.toString()));
        proc.stderr?.on('data', (c: Buffer) => (m.output += c.toString()));
        resolve(m);
      });
    });
  }

  get log(): string {
    return this.output;
  }

  /** Sends the signal and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const p = this.proc;
    if (p.exitCode !== null || p.signalCode !== null) return { code: p.exitCode, signal: p.signalCode };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => p.once('exit', (code, sig) => r({ code, signal: sig })));
    p.kill(signal);
    return exited;
  }

  async scrape(): Promise<string> {
    const res = await fetch(`${this.url}/metrics`);
    if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${await res.text()}`);
    return res.text();
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of an exposition text with their labels parsed (label values unescaped). */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the samples of one series name whose labels include `match`. */
export function total(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

/** The sample's identity: name and sorted labels. */
export function seriesKey(s: Sample): string {
  return `${s.name}{${Object.keys(s.labels)
    .sort()
    .map((k) => `${k}="${s.labels[k]}"`)
    .join(',')}}`;
}

/** Counter-like series (counters and histogram parts): the ones that must never go down. */
export function counterSeries(samples: readonly Sample[]): Map<string, number> {
  return new Map(samples.filter((s) => /(_total|_bucket|_count|_sum)$/.test(s.name)).map((s) => [seriesKey(s), s.value]));
}
