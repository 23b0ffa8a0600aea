import type { Command } from 'commander';
import { defaultConfig, secretEnvNames, type FleetConfig } from '@agentfleet/core';
import { connectFleet, loadConfigFile, type FleetConnection } from '@agentfleet/sdk';
import { fleetHome } from './home.js';

export interface GlobalOptions {
  config?: string;
  allowEviction?: boolean;
}

/** The fleet as a command sees it: the SDK's connection (config, Redis, store). */
export type FleetContext = FleetConnection;

export async function loadConfig(opts: GlobalOptions): Promise<FleetConfig> {
  return (await loadConfigFile(opts.config)) ?? defaultConfig();
}

/**
 * Config, then Redis: REDIS_URL, else redis.url, else the embedded redis-server (started
 * on first use and reused). Preflight refuses Redis that could lose jobs. The SDK's code.
 */
export async function openFleet(opts: GlobalOptions, config?: FleetConfig): Promise<FleetContext> {
  return connectFleet({ config: config ?? (await loadConfig(opts)), home: fleetHome(), allowEviction: opts.allowEviction });
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
