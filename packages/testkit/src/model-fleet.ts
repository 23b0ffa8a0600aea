// A one-host fleet whose model is the stand-in: the stand-in server, a store of its own, a host
// daemon (one slot by default: the stand-in's script is served in order, so tasks must not
// interleave) and a CLI home whose fleet.yaml names the store, for `fleet report` and the like.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '@agentfleet/core';
import type { FleetStore, RunConfig } from '@agentfleet/store';
import { runFleetOk } from './fleet-cli.js';
import { TestHostd } from './hostd.js';
import { startStandin, type OpenAIStandin } from './openai-standin.js';
import { testStore } from './store.js';
import { removeDir, tempDir } from './temp-dir.js';

export interface ModelFleet {
  standin: OpenAIStandin;
  store: FleetStore;
  daemon: TestHostd;
  /** A run's config whose one provider is the stand-in (its key, when named, from the daemon's environment). */
  runConfig(): RunConfig;
  /** `fleet ARGS` against this fleet's store; its stdout (it must exit 0). */
  cli(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startModelFleet(name: string, redisUrl: string, opts: { slots?: number; env?: Record<string, string>; apiKeyEnv?: string } = {}): Promise<ModelFleet> {
  const standin = await startStandin();
  const store = testStore(name, redisUrl);
  const home = tempDir(`${name}-cli`);
  writeFileSync(join(home, 'fleet.yaml'), `redis: { prefix: ${store.prefix} }\n`);
  const daemon = new TestHostd({ redisUrl, prefix: store.prefix, slots: opts.slots ?? 1, env: opts.env });
  const env = { ...process.env, REDIS_URL: redisUrl, AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: join(home, 'fleet.yaml') };
  return {
    standin,
    store,
    daemon,
    runConfig() {
      const provider = { name: 'standin', baseURL: standin.url, models: { low: 'standin-small', medium: 'standin-small', high: 'standin-small' }, timeoutMs: 20_000, ...(opts.apiKeyEnv ? { apiKeyEnv: opts.apiKeyEnv } : {}) };
      const c = configSchema.parse({ providers: [provider] });
      return { providers: c.providers, pricing: c.pricing, budgets: c.budgets, git: c.git };
    },
    cli: (args) => runFleetOk(args, { env }),
    async stop() {
      await daemon.stopAndCleanup(10_000);
      await store.close();
      await standin.close();
      removeDir(home);
    },
  };
}
