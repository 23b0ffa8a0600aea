import type { FleetConfig } from '@agentfleet/core';

/** fleet.yaml's retention as the host daemons read it (their environment, as the rest of their settings). */
export function retentionEnv(config: FleetConfig): Record<string, string> {
  return {
    AGENTFLEET_RETENTION_RUNS_MS: String(config.retention.runs),
    AGENTFLEET_RETENTION_TRANSCRIPTS_MS: String(config.retention.transcripts),
    AGENTFLEET_RETENTION_BRANCHES: config.retention.branches ? '1' : '0',
  };
}
