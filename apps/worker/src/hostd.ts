import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSlots } from '@agentfleet/core';
import { createRedis, FleetStore, Reconciler, type HostHeartbeat } from '@agentfleet/store';
import { createLogger, HostSampler, secretValuesFromEnv, type Logger } from '@agentfleet/telemetry';
import { runJanitor } from '@agentfleet/workspace';
import { pruneTranscripts } from './attempt/transcript/transcript-files.js';
import { sweepRetention } from './retention/retention-sweep.js';
import { readSettings, type WorkerSettings } from './settings.js';
import { Supervisor } from './supervisor.js';

/** One daemon per host: a pid file taken with O_EXCL; a stale one (dead pid) is replaced. */
function takePidFile(path: string, logger: Logger): boolean {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch {
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        logger.warn({ pid }, 'a host daemon is already running; exiting');
        return false;
      }
      rmSync(path, { force: true });
    }
  }
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('hostd') : true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const settings = readSettings();
  const logDir = join(settings.home, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logger = createLogger({ name: 'hostd', base: { host: settings.host }, secretValues: secretValuesFromEnv(settings.secretNames), pretty: false });
  const pidFile = join(settings.home, 'hostd.pid');
  if (!takePidFile(pidFile, logger)) process.exit(0);

  const redis = createRedis(settings.redisUrl);
  redis.on('error', (e) => logger.debug({ err: e.message }, 'redis connection error'));
  const store = new FleetStore(redis, settings.prefix);
  const cores = availableParallelism();
  const fallbackSlots = process.env.AGENTFLEET_SLOTS ? Number(process.env.AGENTFLEET_SLOTS) : defaultSlots(cores, totalmem());
  await store.hosts.register(settings.host, { labels: settings.labels, cores, version: settings.version, defaultSlots: fallbackSlots });

  const here = dirname(fileURLToPath(import.meta.url));
  const supervisor = new Supervisor({
    workerScript: process.env.AGENTFLEET_WORKER_SCRIPT ?? join(here, 'worker-process.js'),
    env: process.env,
    logDir,
    logger,
    onRestart: () => void store.hosts.countRestart(settings.host).catch(() => undefined),
  });
  const reconciler = new Reconciler(store, `${settings.host}:${process.pid}`, { logger, protocol: settings.protocol });
  const sampler = new HostSampler({ diskPath: settings.home });
  let draining = false;
  let notAccepting: string | null = null;

  const applyControl = async () => {
    const ctl = await store.hosts.control(settings.host);
    if (ctl.drain !== draining) {
      draining = ctl.drain;
      logger.info({ drain: draining }, draining ? 'draining: running tasks finish, no new ones start' : 'drain lifted');
      if (draining) supervisor.drain();
      else supervisor.undrain();
    }
    const want = ctl.slots ?? fallbackSlots;
    if (want !== supervisor.size) {
      logger.info({ from: supervisor.size, to: want }, 'worker slots changed');
      supervisor.setDesired(want);
    }
  };

  const heartbeat = async () => {
    const s = await sampler.sample(supervisor.pids());
    notAccepting = s.diskFree < settings.minDiskFree ? `disk free ${Math.round(s.diskFree / 1024 ** 2)} MiB below the ${Math.round(settings.minDiskFree / 1024 ** 2)} MiB threshold` : null;
    supervisor.setPaused(notAccepting !== null);
    const samples = new Map(s.processes.map((p) => [p.pid, p]));
    const hb: HostHeartbeat = {
      at: Date.now(),
      cpu: s.cpu,
      load1: s.load1,
      memory: s.memory,
      diskFree: s.diskFree,
      version: settings.version,
      labels: settings.labels,
      cores: s.cores,
      pid: process.pid,
      draining,
      acceptingWork: !draining && notAccepting === null,
      notAcceptingReason: draining ? 'draining' : notAccepting,
      workers: supervisor.status(samples),
    };
    await store.hosts.heartbeat(settings.host, hb, settings.heartbeatTtlMs);
  };

  // The disk-free guard is judged before the first worker starts, so none takes a task it must not.
  await heartbeat().catch((e: Error) => logger.warn({ err: e.message }, 'first heartbeat failed'));
  await applyControl();
  const events = await store.events.subscribe((ev) => {
    if ((ev.type === 'scale' || ev.type === 'drain') && ev.host === settings.host) void applyControl().catch(() => undefined);
  });

  const every = (ms: number, fn: () => Promise<unknown>, what: string) =>
    setInterval(() => void fn().catch((e: Error) => logger.warn({ err: e.message }, `${what} failed`)), ms);
  const timers = [
    every(settings.heartbeatMs, heartbeat, 'heartbeat'),
    every(2000, applyControl, 'applying desired slots'),
    every(Number(process.env.AGENTFLEET_RECONCILE_MS ?? 5000), () => reconciler.tick(), 'reconciler'),
    every(3600_000, () => janitor(settings, supervisor.slotNames(settings.host), logger), 'janitor'),
    every(settings.retention.everyMs, async () => reconciler.leader && sweepRetention(store, settings.retention, settings.host, logger), 'retention'),
  ];
  void janitor(settings, supervisor.slotNames(settings.host), logger);
  logger.info({ pid: process.pid, slots: supervisor.size, labels: settings.labels, version: settings.version }, 'host daemon started');

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ why }, 'host daemon stopping: draining workers');
    supervisor.drain();
    const drained = await supervisor.waitEmpty(Number(process.env.AGENTFLEET_STOP_GRACE_MS ?? 6 * 3600_000));
    if (!drained) supervisor.killAll();
    for (const t of timers) clearInterval(t);
    await reconciler.stop().catch(() => undefined);
    await store.hosts.clearHeartbeat(settings.host).catch(() => undefined);
    await events.close();
    await store.close().catch(() => undefined);
    rmSync(pidFile, { force: true });
    logger.info('host daemon stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGHUP', () => undefined); // survive the SSH session or terminal going away
}

async function janitor(settings: WorkerSettings, inUse: Set<string>, logger: Logger): Promise<void> {
  const report = await runJanitor({ home: settings.home, inUse, logger });
  const transcripts = pruneTranscripts(settings.transcripts.dir, settings.transcripts.keepOnHostMs);
  logger.info({ report, transcriptsRemoved: transcripts.length }, 'janitor done');
}

main().catch((err: Error) => {
  process.stderr.write(`hostd: ${err.message}\n`);
  process.exit(1);
});
