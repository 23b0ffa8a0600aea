import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type FleetConfig } from '@agentfleet/core';
import { readText } from './plan-file.js';

/**
 * Where fleet.yaml is found: --config, $AGENTFLEET_CONFIG, ./fleet.yaml, then
 * ~/.agentfleet/fleet.yaml. An explicitly named file must exist; the others are optional.
 */
export function findConfigFile(explicit?: string): string | undefined {
  if (explicit) return explicit;
  if (process.env.AGENTFLEET_CONFIG) return process.env.AGENTFLEET_CONFIG;
  for (const candidate of ['fleet.yaml', join(homedir(), '.agentfleet', 'fleet.yaml')]) if (existsSync(candidate)) return candidate;
  return undefined;
}

/** The fleet configuration, or undefined when there is no config file. */
export async function loadConfigFile(explicit?: string): Promise<FleetConfig | undefined> {
  const file = findConfigFile(explicit);
  if (!file) return undefined;
  return parseConfig(await readText(file, 'cannot read the config file'), file);
}

/** Worker slots of the configured fleet (the sum over hosts), or undefined if not configured. */
export function configuredSlots(config: FleetConfig | undefined): number | undefined {
  const total = (config?.hosts ?? []).reduce((sum, h) => sum + (h.slots ?? 0), 0);
  return total > 0 ? total : undefined;
}
