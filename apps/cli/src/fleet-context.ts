import type { Command } from 'commander';
import { defaultConfig, secretEnvNames, type FleetConfig } from '@agentfleet/core';
import { connectChecked, ensureEmbeddedRedis, FleetStore, preflight } from '@agentfleet/store';
import { loadConfigFile } from './config-file.js';
import { fleetHome } from './home.js';

export interface GlobalOptions {
  config?: string;
  allowEviction?: boolean;
}

export interface FleetContext {
  config: FleetConfig;
  home: string;
  redisUrl: string;
  /** true when Redis is the CLI's embedded redis-server (no REDIS_URL, no redis.url) */
  embedded: boolean;
  store: FleetStore;
  close(): Promise<void>;
}

export async function loadConfig(opts: GlobalOptions): Promise<FleetConfig> {
  return (await loadConfigFile(opts.config)) ?? defaultConfig();
}

/**
 * Config, then Redis: REDIS_URL, else redis.url, else the embedded redis-server (started
 * on first use and reused). Preflight refuses Redis that could lose jobs.
 */
export async function openFleet(opts: GlobalOptions, config?: FleetConfig): Promise<FleetContext> {
  const cfg = config ?? (await loadConfig(opts));
  const home = fleetHome();
  let redisUrl = process.env.REDIS_URL ?? cfg.redis.url;
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
  const store = new FleetStore(redis, cfg.redis.prefix);
  return { config: cfg, home, redisUrl, embedded, store, close: () => store.close() };
}

/** Environment variable names whose values are secrets for this config. */
/** A command's body with the fleet open, closed again whatever the end. */
export async function withFleet<T>(cmd: Command, fn: (fleet: FleetContext) => Promise<T>): Promise<T> {
  const fleet = await openFleet(cmd.optsWithGlobals<GlobalOptions>());
  try {
    return await fn(fleet);
  } finally {
    await fleet.close();
  }
}

export function secretNames(config: FleetConfig): string[] {
  return secretEnvNames(config);
}
