import type { FleetConfig } from '@agentfleet/core';
import { DAEMON_ENV } from '@agentfleet/host-contract';

/** fleet.yaml's retention as the host daemons read it (their environment, as the rest of their settings). */
export function retentionEnv(config: FleetConfig): Record<string, string> {
  return {
    [DAEMON_ENV.retentionRunsMs]: String(config.retention.runs),
    [DAEMON_ENV.retentionTranscriptsMs]: String(config.retention.transcripts),
    [DAEMON_ENV.retentionBranches]: config.retention.branches ? '1' : '0',
  };
}
