// At start the daemon tries the sandbox its host is configured for, once: its heartbeat says
// what it found (fleet hosts, fleet up), and when bwrap cannot run here its workers serve only
// `sandbox: none` tasks: a task that wants the sandbox is left to hosts that have one, never
// run unconfined.
import { probeSandbox } from '@agentfleet/sandbox';
import type { HostSandboxStatus } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import type { WorkerSettings } from '../settings.js';

export async function checkHostSandbox(settings: Pick<WorkerSettings, 'sandbox' | 'bwrap'>, logger: Logger): Promise<HostSandboxStatus> {
  if (settings.sandbox === 'none') {
    logger.warn('sandbox: none for this host (fleet.yaml): its tasks run unconfined, as the daemon\'s user, with the daemon\'s files in reach');
    return { mode: 'none', ok: true };
  }
  const probe = await probeSandbox({ bwrap: settings.bwrap });
  if (!probe.ok) logger.error({ reason: probe.reason }, 'this host cannot sandbox: it takes only tasks with sandbox: none until bwrap works and the daemon is restarted (fleet up --restart)');
  return { mode: 'bwrap', ok: probe.ok, ...(probe.version ? { version: probe.version } : {}), ...(probe.reason ? { reason: probe.reason } : {}) };
}
