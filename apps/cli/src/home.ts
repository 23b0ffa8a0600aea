import { homedir } from 'node:os';
import { join } from 'node:path';

/** The agentfleet home on this machine: $AGENTFLEET_HOME or ~/.agentfleet. */
export function fleetHome(): string {
  return process.env.AGENTFLEET_HOME ?? join(homedir(), '.agentfleet');
}
