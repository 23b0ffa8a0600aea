import type { Redis } from 'ioredis';
import { Approvals } from './approvals.js';
import { FleetEvents } from './fleet-events.js';
import { FleetFigures } from './fleet-figures.js';
import { HostRegistry } from './host-registry.js';
import { HostWatch } from './host-watch.js';
import { Keys } from './keys.js';
import { Notices } from './notices.js';
import { RedisProviderPauses } from './provider-pauses.js';
import { RedisProviderPermits } from './provider-permits.js';
import { RunIntegration } from './run-integration.js';
import { RunReader } from './run-reader.js';
import { RunWriter } from './run-writer.js';
import { ScriptRunner } from './scripts/index.js';
import { TaskAttempts } from './task-attempts.js';
import { TaskExpansions } from './task-expansions.js';
import { TaskFlow } from './task-flow.js';
import { TaskQueues } from './task-queues.js';
import { TaskWaits } from './task-waits.js';
import { Transcripts } from './transcripts.js';
import { RunArchives } from './retention/archive-index.js';
import { RunRetention } from './retention/run-retention.js';
import { Evals } from './evals/evals.js';

/**
 * Run and fleet state in Redis, the only place that knows the key layout: one connection,
 * one module per concept.
 *   runs      submit, cancel, retry (each enqueues and publishes what it must)
 *   attempts  a worker's claim, context and end of a task attempt (enqueues what became ready)
 *   waits     tasks that wait without a slot (parked, awaiting approval): park, wake, what is due
 *   read      run status, lists, reports
 *   figures   durable totals, queue depths, Redis figures (monitor, top)
 *   events    pub/sub between CLI, daemons and workers
 *   notices   what people are told of (runs finished, tasks failed, ...), a durable stream
 *   hosts     daemons' registration, heartbeats, desired slots
 *   pauses    fleet-wide provider pauses
 *   permits   fleet-wide provider concurrency (maxConcurrent), fair leases per endpoint
 *   integration  the `--integrate` merge of a run's results
 *   transcripts  attempts' transcripts (capped streams)
 *   archives  where archived runs are, and the runs retention keeps (pins)
 *   retention  finished runs archived, then removed
 *   evals     suites run across a matrix of variants as ordinary runs, their trials scored
 *   approvals  decisions on approval gates (approve, reject, timeout)
 *   flow      conditional tasks: what a `when:` reads, a false condition's skip
 *   expansions  plans that grow: a fragment's tasks joining the running DAG
 *   hostWatch   host_down notices for hosts that lost their heartbeat
 */
export class FleetStore {
  readonly keys: Keys;
  readonly queues: TaskQueues;
  readonly runs: RunWriter;
  readonly attempts: TaskAttempts;
  readonly waits: TaskWaits;
  readonly read: RunReader;
  readonly figures: FleetFigures;
  readonly events: FleetEvents;
  readonly notices: Notices;
  readonly hosts: HostRegistry;
  readonly pauses: RedisProviderPauses;
  readonly permits: RedisProviderPermits;
  readonly integration: RunIntegration;
  readonly transcripts: Transcripts;
  readonly archives: RunArchives;
  readonly retention: RunRetention;
  readonly evals: Evals;
  readonly approvals: Approvals;
  readonly flow: TaskFlow;
  readonly expansions: TaskExpansions;
  readonly hostWatch: HostWatch;

  constructor(
    readonly redis: Redis,
    readonly prefix: string = 'af',
  ) {
    this.keys = new Keys(prefix);
    const scripts = new ScriptRunner(redis, this.keys);
    this.queues = new TaskQueues(redis, prefix);
    this.events = new FleetEvents(redis, this.keys);
    this.notices = new Notices(redis, this.keys);
    this.runs = new RunWriter(redis, this.keys, scripts, this.queues, this.events);
    this.attempts = new TaskAttempts(redis, this.keys, scripts, this.queues, this.events);
    this.waits = new TaskWaits(redis, this.keys, scripts, this.queues);
    this.read = new RunReader(redis, this.keys);
    this.hosts = new HostRegistry(redis, this.keys);
    this.pauses = new RedisProviderPauses(redis, this.keys);
    this.permits = new RedisProviderPermits(redis, this.keys);
    this.figures = new FleetFigures(redis, this.keys, this.queues, this.hosts, this.read, { pauses: this.pauses, permits: this.permits }, { figures: () => this.evals.read.figures() }, this.waits);
    this.integration = new RunIntegration(redis, this.keys);
    this.transcripts = new Transcripts(redis, this.keys);
    this.archives = new RunArchives(redis, this.keys);
    this.retention = new RunRetention(redis, this.keys, this.queues, this.read, this.transcripts, this.archives);
    this.evals = new Evals(redis, this.keys, { writer: this.runs, reader: this.read }, this.archives);
    this.approvals = new Approvals(redis, this.keys, scripts, this.queues, this.events);
    this.flow = new TaskFlow(redis, this.keys, scripts, this.queues);
    this.expansions = new TaskExpansions(redis, this.keys, scripts, this.events);
    this.hostWatch = new HostWatch(redis, this.keys);
  }

  async close(): Promise<void> {
    await this.permits.close();
    await this.queues.close();
    this.transcripts.close();
    this.redis.disconnect();
  }
}
