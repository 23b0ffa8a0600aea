// One worker process, forked by the host daemon (supervisor.ts) for one slot: takes one task
// at a time from the queues its host serves and runs it as an attempt (attempt/). It gets its
// settings from the environment the daemon passes (settings.ts) and talks back over IPC.
import { homedir } from 'node:os';
import type { ConnectionOptions } from 'bullmq';
import { createRedis, FleetStore, redisOptionsFromUrl } from '@agentfleet/store';
import { hostSandbox } from '@agentfleet/sandbox';
import { ScratchWorkspace } from '@agentfleet/workspace';
import { createLogger, secretValuesFromEnv, type Logger } from '@agentfleet/telemetry';
import { TaskRunner } from './attempt/task-runner.js';
import type { FromWorker, ToWorker } from './ipc.js';
import { killOrphanAgents } from './orphans.js';
import { daemonVariables } from './attempt/env-allowlist.js';
import type { HostConfinement } from './attempt/task-confinement.js';
import { agentEnvironment, hostSandboxMode, readSettings, slotName, type WorkerSettings } from './settings.js';
import { GitWorkspace } from './task-workspace.js';
import { BusyReporter } from './worker/busy-reporter.js';
import { QueueWorkers } from './worker/queue-workers.js';

/** What every part of a worker process is made from. */
interface WorkerBase {
  settings: WorkerSettings;
  /** the slot's name, `<host>-<slot>` */
  name: string;
  /** the slot's identity on this machine (orphaned agents carry it) */
  slotId: string;
  secretValues: string[];
  logger: Logger;
  store: FleetStore;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const name = slotName(settings.host, settings.slot);
  const secretValues = secretValuesFromEnv(settings.secretNames);
  const logger = createLogger({ name: 'worker', base: { host: settings.host, slot: settings.slot }, secretValues, pretty: false });
  const slotId = `${name}@${settings.home}`;
  const orphans = killOrphanAgents(slotId);
  if (orphans.length) logger.warn({ pids: orphans }, 'killed agent processes left by a previous worker of this slot');

  const redis = createRedis(settings.redisUrl);
  redis.on('error', (e) => logger.debug({ err: e.message }, 'redis connection error'));
  const base: WorkerBase = { settings, name, slotId, secretValues, logger, store: new FleetStore(redis, settings.prefix) };
  const send = (m: FromWorker) => process.send?.(m);
  const runner = taskRunner(base, new BusyReporter(send));
  const queues = queueWorkers(base, runner);
  await queues.sync();
  const queueTimer = setInterval(() => void queues.sync().catch(() => undefined), 5000);
  const events = await base.store.events.subscribe((ev) => {
    if (ev.type === 'cancel') runner.cancelRun(ev.runId, ev.tasks);
    if (ev.type === 'queues') void queues.sync().catch(() => undefined);
  });
  drainOnRequest(base, runner, async () => {
    clearInterval(queueTimer);
    await queues.close();
    await events.close();
  });
  send({ type: 'ready' });
  logger.info({ queues: queues.names }, 'worker ready');
}

function taskRunner({ settings, name, slotId, secretValues, logger, store }: WorkerBase, busy: BusyReporter): TaskRunner {
  const scratch = new ScratchWorkspace({ home: settings.home, slot: name });
  const git = new GitWorkspace({ home: settings.home, slot: name, author: settings.gitAuthor, logger });
  return new TaskRunner({
    store,
    host: settings.host,
    worker: name,
    logger,
    pauses: store.pauses,
    permits: store.permits,
    workspaceFor: (ctx) => (ctx.run.repo && ctx.run.baseCommit ? git : scratch),
    agentEnv: agentEnvironment(slotId),
    credentials: daemonVariables(),
    confinement: hostConfinement(settings),
    secretValues,
    home: settings.home,
    slot: settings.slot,
    hostFiles: settings.files,
    transcripts: settings.transcripts,
    onBusy: (runId, taskId) => busy.busy(runId, taskId),
    onIdle: () => busy.idle(),
  });
}

function queueWorkers({ settings, name, logger, store }: WorkerBase, runner: TaskRunner): QueueWorkers {
  return new QueueWorkers({
    store,
    connection: redisOptionsFromUrl(settings.redisUrl, { forWorker: true }) as ConnectionOptions,
    prefix: settings.prefix,
    name,
    labels: settings.labels,
    protocol: settings.protocol,
    sandbox: hostSandboxMode(settings),
    lockMs: settings.lockMs,
    stalledMs: settings.stalledMs,
    logger,
    process: (job) => runner.process(job),
  });
}

/**
 * A drain (from the daemon, a signal, or the daemon gone) finishes the current task, bounded
 * by the grace period (then the task is aborted: its job stalls and is retried), and exits.
 */
function drainOnRequest({ settings, logger, store }: WorkerBase, runner: TaskRunner, stopTaking: () => Promise<void>): void {
  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) return;
    closing = true;
    logger.info({ why }, 'worker draining: finishing the current task');
    const timer = setTimeout(() => {
      logger.warn('worker close timed out; aborting the current task');
      runner.abortCurrent('worker shut down');
      setTimeout(() => process.exit(1), 5000).unref();
    }, settings.closeGraceMs);
    timer.unref();
    // closing the queue workers waits for the running job
    await stopTaking();
    clearTimeout(timer);
    await store.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (m: ToWorker) => {
    if (m.type === 'drain') void shutdown('drain requested');
  });
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('disconnect', () => void shutdown('daemon went away'));
}

/** How this worker's tasks are confined: bwrap's host-wide part is computed once, here. */
function hostConfinement(settings: WorkerSettings): HostConfinement {
  const mode = hostSandboxMode(settings);
  const bwrap = mode === 'bwrap' ? hostSandbox({ hidden: { userHome: homedir(), fleetHome: settings.home }, path: process.env.PATH, bwrap: settings.bwrap }) : undefined;
  return { host: settings.host, mode, problem: settings.sandboxProblem, ...(bwrap ? { bwrap } : {}) };
}

main().catch((err: Error) => {
  process.stderr.write(`worker: ${err.message}\n`);
  process.exit(1);
});
