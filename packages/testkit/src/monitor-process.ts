// `fleet monitor` as a child process (the built CLI): started, scraped, stopped. Reading the
// text it serves: exposition.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { cliBin } from './built-apps.js';

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
