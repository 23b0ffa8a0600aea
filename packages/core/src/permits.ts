/**
 * A permit for one request (or one CLI run) to a capped provider endpoint
 * (providers[].maxConcurrent): the shape the agents ask for and the store's fleet-wide
 * semaphore grants (no I/O here: the two packages share the words, not the code).
 */
export interface PermitRequest {
  /** the endpoint: every run that uses this baseURL shares its permits */
  baseURL: string;
  /** the provider's name, shown in status and metrics */
  provider: string;
  /** the cap this run declares; when runs declare different caps, the smallest holds */
  limit: number;
  /** wait: queue up, first come first served; try: a permit now, or null */
  mode: 'wait' | 'try';
  signal: AbortSignal;
  holder?: { runId: string; taskId: string };
  /** told when the place in the queue changes (1 = next) */
  onWait?: (w: { position: number; holders: number; cap: number }) => void;
}

export interface PermitLease {
  /** how long the permit was waited for */
  readonly waitedMs: number;
  release(): Promise<void>;
}
