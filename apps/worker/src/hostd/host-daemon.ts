// The host daemon (fleet-hostd), one per host home: claims the home (takeover.ts), registers
// the host, keeps N worker processes (supervisor.ts) to the desired slots (control.ts), writes
// the heartbeat (heartbeat.ts), runs the reconciler (which hands it due approval gates) and the
// janitor, sends notifications (../notify/), and on stop drains: the running tasks finish, no
// new ones start, then it exits.
import { availableParallelism } from 'node:os';
import { homeLayout } from '@agentfleet/host-contract';
import { createRedis, FleetStore, Reconciler, type Subscription } from '@agentfleet/store';
import { createLogger, HostSampler, secretValuesFromEnv, type Logger } from '@agentfleet/telemetry';
import { runJanitor } from '@agentfleet/workspace';
import { pruneTranscripts } from '../attempt/transcript/transcript-files.js';
import { sweepRetention } from '../retention/retention-sweep.js';
import { Notifier } from '../notify/notifier.js';
import { workerEnvironment, type WorkerSettings } from '../settings.js';
import { Supervisor } from '../supervisor.js';
import { HostControl } from './control.js';
import { Heartbeat } from './heartbeat.js';
import { checkHostSandbox } from './sandbox-check.js';
import { claimHome, type HomeClaim } from './takeover.js';

const CONTROL_EVERY_MS = 2000;
const JANITOR_EVERY_MS = 3600_000;

interface Running {
  claim: HomeClaim;
  store: FleetStore;
  supervisor: Supervisor;
  reconciler: Reconciler;
  notifier: Notifier;
  events: Subscription;
  timers: NodeJS.Timeout[];
}

export class HostDaemon {
  readonly logger: Logger;
  private readonly stopAsked = new AbortController();
  private running: Running | null = null;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly settings: WorkerSettings,
    private readonly workerScript: string,
  ) {
    this.logger = createLogger({ name: 'hostd', base: { host: settings.host }, secretValues: secretValuesFromEnv(settings.secretNames), pretty: false });
  }

  /** Runs the daemon; false when it is not the one to run (another daemon holds the home, or it was stopped while waiting). */
  async start(): Promise<boolean> {
    const claim = await claimHome(this.settings, this.logger, this.stopAsked.signal);
    if (!claim) return false;
    const { settings, logger } = this;
    const store = new FleetStore(createRedis(settings.redisUrl), settings.prefix);
    store.redis.on('error', (e) => logger.debug({ err: e.message }, 'redis connection error'));
    await store.hosts.register(settings.host, { labels: settings.labels, cores: availableParallelism(), version: settings.version, defaultSlots: settings.defaultSlots });
    const sandbox = await checkHostSandbox(settings, logger);
    const supervisor = new Supervisor({
      workerScript: this.workerScript,
      workerEnv: (slot) => workerEnvironment(slot, process.env, sandbox.ok ? null : (sandbox.reason ?? 'bwrap failed')),
      logDir: homeLayout(settings.home).logs,
      logger,
      onRestart: () => void store.hosts.countRestart(settings.host).catch(() => undefined),
    });
    const control = new HostControl(store, settings.host, supervisor, settings.defaultSlots, logger);
    const heartbeat = new Heartbeat({ store, settings, supervisor, sampler: new HostSampler({ diskPath: settings.home }), logger, sandbox, draining: () => control.draining || this.stopAsked.signal.aborted });
    // an approval gate's wait that is due: decided by its on_timeout
    const onDue = async (w: { runId: string; taskId: string; status: string }) => void (w.status === 'awaiting_approval' && (await store.approvals.expire(w)));
    const reconciler = new Reconciler(store, `${settings.host}:${process.pid}`, { logger, protocol: settings.protocol, onDue });
    const notifier = new Notifier({ store, subscriptions: settings.notify, env: process.env, publicUrl: settings.publicUrl, logger, owner: `${settings.host}:${process.pid}` });

    // The disk-free guard is judged before the first worker starts, so none takes a task it must not.
    await heartbeat.beat().catch((e: Error) => logger.warn({ err: e.message }, 'first heartbeat failed'));
    await control.apply();
    const events = await store.events.subscribe((ev) => {
      if ((ev.type === 'scale' || ev.type === 'drain') && ev.host === settings.host && !this.stopAsked.signal.aborted) void control.apply().catch(() => undefined);
    });
    const timers = [
      this.every(settings.heartbeatMs, () => heartbeat.beat(), 'heartbeat'),
      this.every(CONTROL_EVERY_MS, () => (this.stopAsked.signal.aborted ? Promise.resolve() : control.apply()), 'applying desired slots'),
      this.every(settings.reconcileMs, () => reconciler.tick(), 'reconciler'),
      this.every(JANITOR_EVERY_MS, () => this.janitor(supervisor), 'janitor'),
      // the lease holder also does the fleet's retention (archives finished runs past retention.runs)
      this.every(settings.retention.everyMs, async () => reconciler.leader && sweepRetention(store, settings.retention, settings.host, logger), 'retention'),
    ];
    this.running = { claim, store, supervisor, reconciler, notifier, events, timers };
    void this.janitor(supervisor);
    notifier.start();
    logger.info({ pid: process.pid, slots: supervisor.size, labels: settings.labels, version: settings.version, protocol: settings.protocol }, 'host daemon started');
    return true;
  }

  /** Drains: every worker finishes its running task (up to the stop grace), then everything closes. Call it after start() has settled. */
  stop(why: string): Promise<void> {
    this.stopAsked.abort();
    if (!this.running) return Promise.resolve();
    this.stopped ??= this.drainAndClose(this.running, why);
    return this.stopped;
  }

  private async drainAndClose(r: Running, why: string): Promise<void> {
    const { settings, logger } = this;
    logger.info({ why }, 'host daemon stopping: draining workers');
    r.supervisor.drain();
    if (!(await r.supervisor.waitEmpty(settings.stopGraceMs))) r.supervisor.killAll();
    for (const t of r.timers) clearInterval(t);
    await r.reconciler.stop().catch(() => undefined);
    await r.notifier.stop().catch(() => undefined);
    await r.store.hosts.clearHeartbeat(settings.host).catch(() => undefined);
    await r.events.close();
    await r.store.close().catch(() => undefined);
    r.claim.release();
    logger.info('host daemon stopped');
  }

  private every(ms: number, fn: () => Promise<unknown>, what: string): NodeJS.Timeout {
    return setInterval(() => void fn().catch((e: Error) => this.logger.warn({ err: e.message }, `${what} failed`)), ms);
  }

  private async janitor(supervisor: Supervisor): Promise<void> {
    const report = await runJanitor({ home: this.settings.home, inUse: supervisor.slotNames(this.settings.host), logger: this.logger });
    const { transcripts } = this.settings;
    const transcriptsRemoved = pruneTranscripts(transcripts.dir, transcripts.keepOnHostMs).length;
    this.logger.info({ report, transcriptsRemoved }, 'janitor done');
  }
}
