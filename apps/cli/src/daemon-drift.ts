// What differs between a running host daemon and the one `fleet up` would start now: the
// release it runs, the protocol it speaks, the environment it was started with (compared by
// fingerprint: the start record holds salted hashes of the values, never the values).
import { posix } from 'node:path';
import { PROTOCOL_VERSION } from '@agentfleet/core';
import { DAEMON_ENV, describeEnvChanges, envChanges, hasEnvChanges, type StartRecord } from '@agentfleet/host-contract';

export interface DriftInput {
  /** The release the daemon runs, and the one `fleet up` deployed (remote hosts). */
  runningRelease?: string;
  release?: string;
  /** The daemon's start record (absent: started by a release that wrote none). */
  record?: StartRecord;
  /** The environment `fleet up` (or the local fleet) would pass now. */
  env: Record<string, string>;
  /** The protocol its heartbeat says it speaks. */
  protocol: number | null;
}

/** Reasons to restart, each "it ..." completes: "runs an older release (...)". Empty: it is current. */
export function driftReasons(i: DriftInput): string[] {
  const reasons: string[] = [];
  if (i.release && i.runningRelease && i.runningRelease !== i.release) {
    reasons.push(`runs an older release (${posix.basename(i.runningRelease)}; deployed now: ${posix.basename(i.release)})`);
  }
  // A protocol lowered on purpose (AGENTFLEET_PROTOCOL in what it would get again) is no reason.
  const wanted = Math.min(PROTOCOL_VERSION, Number(i.env[DAEMON_ENV.protocol] ?? PROTOCOL_VERSION) || PROTOCOL_VERSION);
  if (i.protocol !== null && i.protocol < wanted) reasons.push(`speaks protocol ${i.protocol} (this release speaks ${PROTOCOL_VERSION})`);
  if (i.record) {
    const changes = envChanges(i.record.env, i.env);
    if (hasEnvChanges(changes)) reasons.push(`runs with an older environment (${describeEnvChanges(changes)})`);
  }
  return reasons;
}

/** "; it runs ..., runs ...: fleet up --restart mugen drains it (running tasks finish) and starts it again" */
export function restartHint(reasons: readonly string[], command: string): string {
  if (!reasons.length) return '';
  return `; it ${reasons.join('; it ')}: ${command} drains it (running tasks finish) and starts it again`;
}
