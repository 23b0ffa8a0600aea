import { Redis } from 'ioredis';
import type { FleetConfig } from '@agentfleet/core';
import { embeddedRedisRunning, HostRegistry, Keys, redisOptionsFromUrl } from '@agentfleet/store';
import { configuredSlots } from './config-file.js';
import { fleetHome } from './home.js';

/** Slots assumed when neither --slots, a reachable fleet nor a fleet.yaml with hosts says otherwise. */
export const DEFAULT_SLOTS = 18;

export type SlotsSource = 'flag' | 'fleet' | 'config' | 'default';

/** What `fleet plan show` plans for, and where the number came from (said in its output). */
export async function planSlots(flag: number | undefined, config: FleetConfig | undefined): Promise<{ slots: number; from: SlotsSource }> {
  if (flag !== undefined) return { slots: flag, from: 'flag' };
  const live = await liveFleetSlots(config).catch(() => undefined);
  if (live) return { slots: live, from: 'fleet' };
  const configured = configuredSlots(config);
  if (configured) return { slots: configured, from: 'config' };
  return { slots: DEFAULT_SLOTS, from: 'default' };
}

export function slotsNote(from: SlotsSource): string {
  switch (from) {
    case 'flag':
      return 'as --slots says';
    case 'fleet':
      return "the fleet's hosts that are up now";
    case 'config':
      return 'the hosts of fleet.yaml (no fleet reachable)';
    case 'default':
      return 'the default: no fleet reachable and no hosts in fleet.yaml; --slots N plans for another count';
  }
}

/**
 * The slots of the fleet now (desired slots of the hosts that are up), or undefined when no
 * Redis is reachable or no host is up. Never starts the embedded Redis: a plan is looked at
 * before any fleet exists.
 */
export async function liveFleetSlots(config: FleetConfig | undefined): Promise<number | undefined> {
  const url = process.env.REDIS_URL ?? config?.redis.url ?? (await embeddedRedisRunning(fleetHome()))?.url;
  if (!url) return undefined;
  const redis = new Redis({ ...redisOptionsFromUrl(url, { connectTimeoutMs: 1500, lazy: true }), maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const hosts = await new HostRegistry(redis, new Keys(config?.redis.prefix ?? 'af')).list();
    const up = hosts.filter((h) => h.up);
    const slots = up.reduce((n, h) => n + h.slots.desired, 0);
    return slots > 0 ? slots : undefined;
  } finally {
    redis.disconnect();
  }
}
