// A user of the `fleet` binary: a home and fleet.yaml of their own (redis prefix, hosts), the
// built CLI run as a child process with that environment, and files written next to them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFleet, type CliResult } from './fleet-cli.js';
import { removeDir, tempDir } from './temp-dir.js';

export interface CliUserOptions {
  redisUrl: string;
  prefix: string;
  /** host names for fleet.yaml's hosts: (none: the CLI starts the local fleet itself) */
  hosts?: string[];
  /** more fleet.yaml, appended as is */
  config?: string;
  env?: Record<string, string | undefined>;
}

export class CliUser {
  readonly home = tempDir('user');
  readonly configFile = join(this.home, 'fleet.yaml');

  constructor(private readonly opts: CliUserOptions) {
    const hosts = opts.hosts?.length ? `hosts:\n${opts.hosts.map((h) => `  - name: ${h}\n`).join('')}` : '';
    writeFileSync(this.configFile, `redis: { prefix: ${opts.prefix} }\n${hosts}${opts.config ?? ''}`);
  }

  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return { ...process.env, REDIS_URL: this.opts.redisUrl, AGENTFLEET_HOME: this.home, AGENTFLEET_CONFIG: this.configFile, ...this.opts.env, ...extra };
  }

  run(args: string[], timeoutMs = 120_000): Promise<CliResult> {
    return runFleet(args, { env: this.env(), cwd: this.home, timeoutMs });
  }

  /** stdout of a command that must exit 0. */
  async ok(args: string[]): Promise<string> {
    const r = await this.run(args);
    if (r.code !== 0) throw new Error(`fleet ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  async json<T>(args: string[]): Promise<T> {
    return JSON.parse(await this.ok(args)) as T;
  }

  /** A file in the user's home (a plan, an issue); returns its path. */
  file(name: string, text: string): string {
    const p = join(this.home, name);
    writeFileSync(p, text);
    return p;
  }

  cleanup(): void {
    removeDir(this.home);
  }
}
