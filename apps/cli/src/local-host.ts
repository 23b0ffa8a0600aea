// The local fleet's host settings (fleet.yaml `local:`): it has no hosts entry, so its slots,
// labels, files and sandbox come from here, into its daemon's environment as `fleet up` passes them to
// a remote host's.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { hostFilePath, InputError, type FleetConfig } from '@agentfleet/core';
import { DAEMON_ENV } from '@agentfleet/host-contract';

/** Variables of the local daemon's environment that `local:` sets (AGENTFLEET_SLOTS from the shell wins). */
export function localHostEnv(config: FleetConfig, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const l = config.local;
  return {
    ...(env[DAEMON_ENV.slots] === undefined && l.slots !== undefined ? { [DAEMON_ENV.slots]: String(l.slots) } : {}),
    ...(l.labels.length ? { [DAEMON_ENV.labels]: l.labels.join(',') } : {}),
    ...(l.files.length ? { [DAEMON_ENV.files]: JSON.stringify(l.files) } : {}),
    // bwrap is the daemon's default: only `none` is written out
    ...(l.sandbox === 'none' ? { [DAEMON_ENV.sandbox]: 'none' } : {}),
  };
}

/** local.files whose `from` does not exist on this machine: an error before anything is written or started. */
export function checkLocalHostFiles(config: FleetConfig): void {
  if (config.hosts.length > 0) return;
  const missing = config.local.files.filter((f) => !existsSync(hostFilePath(f.from, homedir())));
  if (missing.length) {
    throw new InputError(missing.map((f) => `local.files in fleet.yaml: ${f.from} (to ${f.to}) does not exist on this machine`).join('\n'));
  }
}
