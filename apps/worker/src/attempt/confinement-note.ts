import type { NetworkMode, SandboxMode } from '@agentfleet/core';
import type { HostConfinement } from './task-confinement.js';

/** The attempt's `sandbox` step, for its events and the debug log: what its processes run in and why. */
export function describeConfinement(mode: SandboxMode, network: NetworkMode | undefined, received: readonly string[], host: HostConfinement): string {
  const vars = received.length ? `; variables ${received.join(', ')}` : '';
  if (mode === 'none') return `unconfined (${host.mode === 'none' ? `host ${host.host}: sandbox: none` : 'the task says sandbox: none'})${vars}`;
  return `bwrap, network ${network ?? 'full'}${vars}`;
}
