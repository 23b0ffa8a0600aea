import { parseNotifyJson, type NotifySpec } from '@agentfleet/core';
import { DAEMON_ENV } from '@agentfleet/host-contract';

/** fleet.yaml's notify: list (JSON, validated as fleet.yaml is) and monitor.publicUrl, from the daemon's environment (read by settings.ts). */
export function readNotifySettings(env: NodeJS.ProcessEnv): { notify: NotifySpec[]; publicUrl: string | null } {
  const text = env[DAEMON_ENV.notify];
  return { notify: text ? parseNotifyJson(text, DAEMON_ENV.notify) : [], publicUrl: env[DAEMON_ENV.publicUrl] || null };
}
