/**
 * The Redis key layout. Nothing outside this package builds a key.
 * Every key starts with the prefix, so a hash-tag prefix such as `{af}` keeps a whole
 * fleet in one Redis Cluster slot (Lua scripts touch many keys of one run at once).
 */
export class Keys {
  constructor(readonly prefix: string) {}

  runs(): string {
    return `${this.prefix}:runs`;
  }
  activeRuns(): string {
    return `${this.prefix}:runs:active`;
  }
  run(runId: string): string {
    return `${this.prefix}:run:${runId}`;
  }
  /** Hash prefix of a run's task records; the Lua scripts append the task id. */
  taskPrefix(runId: string): string {
    return `${this.prefix}:run:${runId}:t:`;
  }
  task(runId: string, taskId: string): string {
    return `${this.taskPrefix(runId)}${taskId}`;
  }
  /** List of the run's task ids in topological order (barriers excluded). */
  runTasks(runId: string): string {
    return `${this.prefix}:run:${runId}:tasks`;
  }
  runCounts(runId: string): string {
    return `${this.prefix}:run:${runId}:counts`;
  }
  /** Tasks queued or running: their jobs must exist (the reconciler checks). */
  runInflight(runId: string): string {
    return `${this.prefix}:run:${runId}:inflight`;
  }
  /** An attempt's transcript, a capped stream (transcripts.ts); under the run, so removing the run finds it. */
  transcript(runId: string, taskId: string, attempt: number): string {
    return `${this.prefix}:run:${runId}:log:${taskId}:${attempt}`;
  }
  /** The run's transcripts: set of `<task>:<attempt>`. */
  runTranscripts(runId: string): string {
    return `${this.prefix}:run:${runId}:logs`;
  }
  /** Where archived runs are (retention): hash run id -> JSON location. */
  archives(): string {
    return `${this.prefix}:archive`;
  }
  /** Runs retention must keep (an unfinished eval refers to them): hash run id -> who pinned it. */
  pinnedRuns(): string {
    return `${this.prefix}:runs:pinned`;
  }
  /** Evals by creation time (zset, score = epoch ms). */
  evals(): string {
    return `${this.prefix}:evals`;
  }
  /** Evals not settled yet: the reconciler launches their trials, records what their runs came to, settles them. */
  activeEvals(): string {
    return `${this.prefix}:evals:active`;
  }
  /** An eval (hash): its summary fields, variants, cases, trials and the config of its runs. */
  eval(evalId: string): string {
    return `${this.prefix}:eval:${evalId}`;
  }
  /** What an eval's trials came to: hash run id -> JSON TrialResult, written once per trial. */
  evalResults(evalId: string): string {
    return `${this.prefix}:eval:${evalId}:results`;
  }
  /** An eval's hidden files: hash case id -> JSON [{ path, data (base64), mode }]; removed when it settles. */
  evalHidden(evalId: string): string {
    return `${this.prefix}:eval:${evalId}:hidden`;
  }
  /** Durable totals of eval trials (the monitor): `trials|agent|tier|provider|status` -> count, `cost|agent|tier|provider` -> USD. */
  evalStats(): string {
    return `${this.prefix}:eval-stats`;
  }
  stats(): string {
    return `${this.prefix}:stats`;
  }
  failures(): string {
    return `${this.prefix}:failures`;
  }
  hosts(): string {
    return `${this.prefix}:hosts`;
  }
  hostHeartbeat(host: string): string {
    return `${this.prefix}:host:${host}:hb`;
  }
  hostControl(host: string): string {
    return `${this.prefix}:host:${host}:ctl`;
  }
  queues(): string {
    return `${this.prefix}:queues`;
  }
  lease(name: string): string {
    return `${this.prefix}:lease:${name}`;
  }
  providerPause(provider: string): string {
    return `${this.prefix}:provider:${provider}:paused-until`;
  }
  /** Provider names with their fleet-wide pause, `until|reason` (what status and top list). */
  providerPauses(): string {
    return `${this.prefix}:provider-pauses`;
  }
  /**
   * One provider endpoint's permits (provider-permits.ts), by the endpoint's id (a hash of its
   * baseURL): holders, waiters in arrival order, waiters' liveness, declared caps, the ticket
   * counter, who holds or waits; `granted` is the pub/sub channel of grants.
   */
  permitKeys(endpoint: string): string[] {
    const base = `${this.prefix}:permits:${endpoint}`;
    return ['holders', 'waiters', 'seen', 'caps', 'ticket', 'info'].map((k) => `${base}:${k}`);
  }
  permitGranted(): string {
    return `${this.prefix}:permits:granted`;
  }
  /** Endpoints that have had permits: id -> JSON { name, baseURL }. */
  permitEndpoints(): string {
    return `${this.prefix}:permits:endpoints`;
  }
  /** Waiting tasks of every run (parked, awaiting approval): member `<run>|<task>`, score = when it is due (epoch ms; +inf = never by itself). */
  waits(): string {
    return `${this.prefix}:waits`;
  }
  /** The fleet's notices (notices.ts): what people are told of. */
  notices(): string {
    return `${this.prefix}:notices`;
  }
  /** The last notice a reader (one notify webhook) has handled: a stream entry id. */
  noticeCursor(reader: string): string {
    return `${this.prefix}:notices:cursor:${reader}`;
  }
  /** Hosts whose heartbeat was seen since they last stopped cleanly (host-watch.ts). */
  hostsSeenUp(): string {
    return `${this.prefix}:hosts:seen-up`;
  }
  events(): string {
    return `${this.prefix}:events`;
  }
  /** BullMQ's own job hash and failed set (BullMQ uses `<prefix>:<queue>:<...>`). */
  bullJob(queue: string, jobId: string): string {
    return `${this.prefix}:${queue}:${jobId}`;
  }
  bullFailed(queue: string): string {
    return `${this.prefix}:${queue}:failed`;
  }
}
