// Fleet-scoped settings of fleet.yaml that the host daemons read (they have no fleet.yaml):
// handed over in the daemon's environment by `fleet up` and the local fleet, as its other
// settings are. The notify: webhooks go as their urlEnv names; the URLs are secrets, forwarded
// like hosts[].env (whichever daemon holds the notifier lease sends).
import { InputError, type FleetConfig } from '@agentfleet/core';

/** AGENTFLEET_NOTIFY (the notify: list as JSON) and AGENTFLEET_PUBLIC_URL (monitor.publicUrl), when configured. */
export function fleetScopedEnv(config: FleetConfig): Record<string, string> {
  return {
    ...(config.notify.length ? { AGENTFLEET_NOTIFY: JSON.stringify(config.notify) } : {}),
    ...(config.monitor.publicUrl ? { AGENTFLEET_PUBLIC_URL: config.monitor.publicUrl } : {}),
  };
}

/** The webhook URLs of notify:, from this shell; a missing one is an error naming it (checked before any SSH). */
export function notifySecrets(config: FleetConfig, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const missing = [...new Set(config.notify.map((n) => n.urlEnv))].filter((name) => !env[name]);
  if (missing.length) throw new InputError(missing.map((n) => `notify: ${n} (urlEnv in fleet.yaml) is not set in this shell: the daemons send notifications to that URL`).join('\n'));
  return Object.fromEntries(config.notify.map((n) => [n.urlEnv, env[n.urlEnv]!]));
}
