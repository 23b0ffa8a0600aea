import { join } from 'node:path';
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { createRedis, FleetStore, queuesForHost, redisOptionsFromUrl, RedisProviderPauses, type FleetEvent, type TaskJobData } from '@agentfleet/store';
import { createLogger, secretValuesFromEnv } from '@agentfleet/telemetry';
import { readSettings, slotName } from './settings.js';
import { TaskPipeline } from './task-pipeline.js';
import { GitWorkspace, ScratchWorkspace } from './task-workspace.js';
import type { FromWorker, ToWorker } from './ipc.js';
import { killOrphanAgents, SLOT_MARKER } from './orphans.js';

/**
 * One worker process: takes one task at a time from every queue its host may serve.
 * Several BullMQ Workers (one per label-set queue) share a mutex, so the process never
 * runs two tasks at once; with a single queue the mutex costs nothing.
 */
async function main(): Promise<void> {
  const settings = readSettings();
  const slot = Number(process.env.AGENTFLEET_SLOT ?? 0);
  const name = slotName(settings.host, slot);
  const secretValues = secretValuesFromEnv(settings.secretNames);
  const logger = createLogger({ name: 'worker', base: { host: settings.host, slot }, secretValues, pretty: false });
  const send = (m: FromWorker) => process.send?.(m);
  const slotId = `${name}@${settings.home}`;
  const orphans = killOrphanAgents(slotId);
  if (orphans.length) logger.warn({ pids: orphans }, 'killed agent processes left by a previous worker of this slot');
  const redis = createRedis(settings.redisUrl);
  redis.on('error', (e) => logger.debug({ err: e.message }, 'redis connection error'));
  const store = new FleetStore(redis, settings.prefix);
  let busyTimer: NodeJS.Timeout | null = null;
  let reportedBusy = false;
  const scratch = new ScratchWorkspace(join(settings.home, 'slots', name, 'scratch'));
  const git = new GitWorkspace({ home: settings.home, slot: name, author: process.env.AGENTFLEET_GIT_AUTHOR ?? 'agentfleet <fleet@localhost>', logger });
  const pipeline = new TaskPipeline({
    store,
    host: settings.host,
    worker: name,
    logger,
    pauses: new RedisProviderPauses(redis, settings.prefix),
    workspaceFor: (ctx) => (ctx.run.repo && ctx.run.baseCommit ? git : scratch),
    agentEnv: { ...agentEnvironment(), [SLOT_MARKER]: slotId },
    secretValues,
    // Tell the daemon only about tasks that last: a message per millisecond-long task would
    // wake the daemon for nothing (it reports worker states every few seconds).
    onBusy: (runId, taskId) => {
      const startedAt = Date.now();
      busyTimer = setTimeout(() => {
        busyTimer = null;
        reportedBusy = true;
        send({ type: 'busy', runId, taskId, startedAt });
      }, 50);
    },
    onIdle: () => {
      if (busyTimer) clearTimeout(busyTimer);
      busyTimer = null;
      if (reportedBusy) send({ type: 'idle' });
      reportedBusy = false;
    },
  });

  let lock: Promise<void> = Promise.resolve();
  const processor = async (job: Job<TaskJobData>) => {
    const previous = lock;
    let release!: () => void;
    lock = new Promise((r) => (release = r));
    await previous;
    try {
      await pipeline.process(job);
    } finally {
      release();
    }
  };

  const workers = new Map<string, Worker<TaskJobData>>();
  const connection = redisOptionsFromUrl(settings.redisUrl, { forWorker: true }) as ConnectionOptions;
  const syncQueues = async () => {
    for (const q of queuesForHost(await store.knownQueues(), settings.labels)) {
      if (workers.has(q)) continue;
      const w = new Worker<TaskJobData>(q, processor, {
        connection,
        prefix: settings.prefix,
        concurrency: 1,
        lockDuration: settings.lockMs,
        stalledInterval: settings.stalledMs,
        // A killed worker's job stalls; it must come back, not fail (tasks are never lost).
        maxStalledCount: 1000,
        name,
      });
      w.on('error', (e) => logger.warn({ queue: q, err: e.message }, 'queue worker error'));
      workers.set(q, w);
    }
  };
  await syncQueues();
  const queueTimer = setInterval(() => void syncQueues().catch(() => undefined), 5000);

  const sub = createRedis(settings.redisUrl);
  sub.on('error', () => undefined);
  await sub.subscribe(store.eventsChannel());
  sub.on('message', (_ch, text) => {
    let ev: FleetEvent;
    try {
      ev = JSON.parse(text) as FleetEvent;
    } catch {
      return;
    }
    if (ev.type === 'cancel') pipeline.cancelRun(ev.runId, ev.tasks);
    if (ev.type === 'queues') void syncQueues();
  });

  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) return;
    closing = true;
    clearInterval(queueTimer);
    logger.info({ why }, 'worker draining: finishing the current task');
    // close() waits for the running job; a grace period bounds it (the job then stalls and is retried).
    const grace = Number(process.env.AGENTFLEET_CLOSE_GRACE_MS ?? 6 * 3600_000);
    const timer = setTimeout(() => {
      logger.warn('worker close timed out; aborting the current task');
      pipeline.abortCurrent('worker shut down');
      setTimeout(() => process.exit(1), 5000).unref();
    }, grace);
    timer.unref();
    await Promise.all([...workers.values()].map((w) => w.close()));
    clearTimeout(timer);
    await sub.quit().catch(() => undefined);
    await store.close().catch(() => undefined);
    process.exit(0);
  };

  process.on('message', (m: ToWorker) => {
    if (m.type === 'drain') void shutdown('drain requested');
  });
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('disconnect', () => void shutdown('daemon went away'));
  send({ type: 'ready' });
  logger.info({ queues: [...workers.keys()] }, 'worker ready');
}

/** Agents get the daemon's environment minus our own control variables. */
function agentEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('AGENTFLEET_') || k === 'REDIS_URL') delete env[k];
  return env;
}

main().catch((err: Error) => {
  process.stderr.write(`worker: ${err.message}\n`);
  process.exit(1);
});
