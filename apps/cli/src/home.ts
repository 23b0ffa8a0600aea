// The agentfleet home on this machine (the CLI's state, the embedded Redis, the local fleet).
import { defaultHome } from '@agentfleet/host-contract';

/** $AGENTFLEET_HOME or ~/.agentfleet. */
export function fleetHome(): string {
  return defaultHome(process.env);
}
