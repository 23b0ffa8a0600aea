import { FleetError } from '@agentfleet/core';

/** Why a host key was refused. */
export type HostKeyProblem = 'unknown' | 'changed' | 'revoked';

/** An SSH host key that is unknown, changed or revoked; the message says what to do. */
export class HostKeyError extends FleetError {
  readonly host: string;
  readonly fingerprint: string;
  readonly problem: HostKeyProblem;
  constructor(problem: HostKeyProblem, host: string, fingerprint: string, message: string, details: Record<string, unknown> = {}) {
    super('internal', message, { host, fingerprint, problem, ...details });
    this.name = 'HostKeyError';
    this.host = host;
    this.fingerprint = fingerprint;
    this.problem = problem;
  }
}

/** Could not reach or log into a host, or a remote step failed; the message names the host. */
export class SshError extends FleetError {
  readonly host: string;
  constructor(host: string, message: string, details: Record<string, unknown> = {}) {
    super('internal', message, { host, ...details });
    this.name = 'SshError';
    this.host = host;
  }
}
