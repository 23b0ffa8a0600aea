/** Messages between the host daemon and its worker processes (node IPC channel). */
export type ToWorker = { type: 'drain' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'busy'; runId: string; taskId: string; startedAt: number }
  | { type: 'idle' };
