import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type FleetConfig } from '@agentfleet/core';
import { connectChecked, ensureEmbeddedRedis, FleetStore, preflight } from '@agentfleet/store';
import { loadConfigFile } from './config-file.js';

export interface ConnectOptions {
  /** fleet.yaml to read (default: $AGENTFLEET_CONFIG, ./fleet.yaml, ~/.agentfleet/fleet.yaml) */
  configFile?: string;
  /** the configuration itself, instead of a file */
  config?: FleetConfig;
  /** the agentfleet home of this machine (default: $AGENTFLEET_HOME or ~/.agentfleet): the embedded Redis lives there */
  home?: string;
  /** accept a Redis whose maxmemory-policy may evict keys */
  allowEviction?: boolean;
}

/** An open connection to a fleet: its config, where its Redis is, and the store over it. */
export interface FleetConnection {
  config: FleetConfig;
  home: string;
  redisUrl: string;
  /** true when Redis is the embedded redis-server (no REDIS_URL, no redis.url) */
  embedded: boolean;
  store: FleetStore;
  close(): Promise<void>;
}

/**
 * Config, then Redis as the CLI finds them: REDIS_URL, else redis.url, else the embedded
 * redis-server under the home (started on first use and reused). Preflight refuses a Redis
 * that could lose jobs.
 */
export async function connectFleet(opts: ConnectOptions = {}): Promise<FleetConnection> {
  const config = opts.config ?? (await loadConfigFile(opts.configFile)) ?? defaultConfig();
  const home = opts.home ?? process.env.AGENTFLEET_HOME ?? join(homedir(), '.agentfleet');
  let redisUrl = process.env.REDIS_URL ?? config.redis.url;
  let embedded = false;
  if (!redisUrl) {
    redisUrl = (await ensureEmbeddedRedis(home)).url;
    embedded = true;
  }
  const redis = await connectChecked(redisUrl);
  try {
    await preflight(redis, redisUrl, { allowEviction: opts.allowEviction });
  } catch (e) {
    redis.disconnect();
    throw e;
  }
  const store = new FleetStore(redis, config.redis.prefix);
  return { config, home, redisUrl, embedded, store, close: () => store.close() };
}
