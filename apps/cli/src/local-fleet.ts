// The local fleet as `fleet run`, `fleet retry` and `fleet up` (no hosts configured) keep it:
// started when none runs; replaced at once when it serves another Redis, prefix or home (it
// could not serve this fleet); else left running, with what differs from what this shell
// would start (`fleet up --restart` drains it and starts it again with that).
import { FleetError } from '@agentfleet/core';
import { DAEMON_ENV, envChanges, isHostdProcess, type EnvChanges } from '@agentfleet/host-contract';
import { driftReasons } from './daemon-drift.js';
import type { FleetContext } from './fleet-context.js';
import { waitForHeartbeat } from './heartbeat-wait.js';
import { checkLocalHostFiles } from './local-host.js';
import { awaitLocalDaemon, launchLocalDaemon, localDaemonEnv, localHostName, runningLocalDaemon, stopLocalDaemon } from './local-daemon.js';
import { hostSandboxStatus, sandboxNotice } from './sandbox-notice.js';
import type { UpOutcome } from './up-outcome.js';

/** Variables whose change means the running daemon works for another fleet. */
const IDENTITY = [DAEMON_ENV.redisUrl, DAEMON_ENV.prefix, DAEMON_ENV.host, DAEMON_ENV.home];

const touchesIdentity = (c: EnvChanges) => [...c.added, ...c.removed, ...c.changed].some((n) => IDENTITY.includes(n as (typeof IDENTITY)[number]));

export interface LocalUpOptions {
  restart?: boolean;
  /** --restart: how long to wait for the old daemon to drain before returning. */
  waitMs?: number;
}

async function protocolOf(fleet: FleetContext): Promise<number | null> {
  return (await fleet.store.hosts.list()).find((h) => h.name === localHostName())?.protocol ?? null;
}

export async function upLocalFleet(fleet: FleetContext, opts: LocalUpOptions = {}): Promise<UpOutcome> {
  checkLocalHostFiles(fleet.config);
  const env = localDaemonEnv(fleet.home, fleet.redisUrl, fleet.config);
  const running = runningLocalDaemon(fleet.home);
  if (running && !opts.restart) {
    // A daemon without a start record was started before records existed: its Redis is unknown.
    if (running.record && !touchesIdentity(envChanges(running.record.env, env))) {
      return { kind: 'running', pid: running.pid, drift: driftReasons({ record: running.record, env, protocol: await protocolOf(fleet) }) };
    }
    await stopLocalDaemon(fleet.home);
  }
  const outcome = await launchLocalDaemon(env, Boolean(running && opts.restart));
  const host = localHostName();
  if (outcome.kind === 'running') return { kind: 'running', pid: outcome.pid, drift: [] };
  if (outcome.kind === 'started') {
    await awaitLocalDaemon(fleet.store, fleet.home, outcome.pid);
    return { kind: 'started', pid: outcome.pid, slots: env[DAEMON_ENV.slots]!, uploaded: false };
  }
  const took = await waitForHeartbeat(fleet.store, host, outcome.pid, { timeoutMs: opts.waitMs ?? 600_000, alive: () => isHostdProcess(outcome.pid) });
  if (took === 'gone') throw new FleetError('internal', `the new local host daemon (pid ${outcome.pid}) exited while pid ${outcome.replaces} drained; fleet logs ${host} says why`);
  if (took === 'up') return { kind: 'restarted', pid: outcome.pid, replaced: outcome.replaces, uploaded: false };
  return { kind: 'restarting', pid: outcome.pid, replaced: outcome.replaces };
}

/** With no hosts configured, this machine is the fleet: make sure its daemon runs, and say when it runs with an older environment. */
export async function ensureLocalFleet(fleet: FleetContext): Promise<void> {
  if (fleet.config.hosts.length > 0) return;
  const up = await upLocalFleet(fleet);
  if (up.kind === 'running' && up.drift.length) {
    process.stderr.write(`fleet: the local host daemon (pid ${up.pid}) ${up.drift.join('; it ')}; fleet up --restart applies it (running tasks finish first)\n`);
  }
  // a local fleet that cannot sandbox would leave sandboxed tasks queued: say so now
  const sandbox = await hostSandboxStatus(fleet.store, localHostName());
  if (sandbox && sandbox.mode === 'bwrap' && !sandbox.ok) process.stderr.write(`fleet: this machine ${sandboxNotice(sandbox)}; tasks that need the sandbox wait for a host that has one (fleet doctor)\n`);
}
