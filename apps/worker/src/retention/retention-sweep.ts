import { join } from 'node:path';
import { DAEMON_ENV } from '@agentfleet/host-contract';
import type { FleetStore } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import { deleteRemoteBranches } from '@agentfleet/workspace';
import { retentionRunsMs } from '../attempt/transcript/transcript-settings.js';

/** fleet.yaml's retention as `fleet up` passes it to the daemon. */
export interface RetentionSettings {
  runsMs: number;
  branches: boolean;
  /** how often the lease holder sweeps */
  everyMs: number;
  archiveDir: string;
}

export function retentionSettings(env: NodeJS.ProcessEnv, home: string): RetentionSettings {
  const every = Number(env[DAEMON_ENV.retentionEveryMs]);
  return { runsMs: retentionRunsMs(env), branches: env[DAEMON_ENV.retentionBranches] === '1', everyMs: Number.isFinite(every) && every > 0 ? every : 600_000, archiveDir: join(home, 'archive') };
}

/**
 * The daemon holding the reconciler lease archives finished runs past retention.runs here
 * (<home>/archive) and removes them from Redis; the index in Redis says where each archive is.
 */
export async function sweepRetention(store: FleetStore, settings: RetentionSettings, host: string, logger: Logger): Promise<void> {
  const result = await store.retention.sweep({
    olderThanMs: settings.runsMs,
    archiveDir: settings.archiveDir,
    host,
    limit: 50,
    deleteBranches: settings.branches ? deleteRemoteBranches : undefined,
  });
  if (result.archived.length) logger.info({ runs: result.archived.map((a) => a.runId), dir: settings.archiveDir }, 'retention archived finished runs and removed them from Redis');
  for (const e of result.errors) logger.warn({ runId: e.runId, err: e.error }, 'retention could not archive a run; it stays in Redis');
}
