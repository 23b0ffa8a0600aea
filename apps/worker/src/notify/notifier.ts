import { setTimeout as sleep } from 'node:timers/promises';
import type { NotifySpec } from '@agentfleet/core';
import { Lease, type FleetStore, type Notice } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import { payload } from './formats.js';
import { messageOf } from './messages.js';
import { DeliveryError, postJson } from './webhook.js';

export interface NotifierOptions {
  store: FleetStore;
  subscriptions: readonly NotifySpec[];
  /** where each subscription's URL is read (urlEnv): the daemon's environment */
  env: NodeJS.ProcessEnv;
  publicUrl: string | null;
  logger: Logger;
  /** this daemon, as the lease names it */
  owner: string;
  pollMs?: number;
  /** delivery attempts per notice and the first backoff (doubled each time) */
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

/** A notice sent on first start looks back this far (a notice of just before the start is not lost). */
const LOOKBACK_MS = 5 * 60_000;

/**
 * Sends the fleet's notices to the notify: webhooks, once per notice fleet-wide: only the
 * daemon holding the notifier lease sends, and each webhook reads the notices stream from a
 * cursor kept in Redis, moved past a notice once it was delivered (or given up on). A restart
 * drops none and repeats at most the one in flight. Each webhook has its own loop and cursor,
 * so one that is down delays nothing else; retries back off. Never runs in a worker.
 */
export class Notifier {
  private readonly abort = new AbortController();
  private readonly lease: Lease;
  private leader = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly opts: NotifierOptions) {
    this.lease = new Lease(opts.store.redis, opts.store.keys.lease('notifier'), opts.owner, 15_000);
  }

  start(): void {
    const { subscriptions, env, logger } = this.opts;
    const active = subscriptions.map((s, i) => ({ spec: s, reader: readerName(s, i, subscriptions), url: env[s.urlEnv] })).filter((s) => {
      if (!s.url) logger.warn({ urlEnv: s.spec.urlEnv }, `notify: ${s.spec.urlEnv} is not set in the daemon's environment; its notifications are not sent`);
      return Boolean(s.url);
    });
    if (!active.length) return;
    this.loops = [this.keepLease(), ...active.map((s) => this.loop(s.spec, s.reader, s.url!))];
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
    if (this.leader) await this.lease.release().catch(() => undefined);
  }

  private async keepLease(): Promise<void> {
    while (!this.abort.signal.aborted) {
      this.leader = await this.lease.acquire().catch(() => false);
      await this.pause(5000);
    }
  }

  /** One webhook: its notices in order from its cursor, while this daemon leads. */
  private async loop(spec: NotifySpec, reader: string, url: string): Promise<void> {
    const { store, logger } = this.opts;
    while (!this.abort.signal.aborted) {
      try {
        if (!this.leader) {
          await this.pause(this.opts.pollMs ?? 1000);
          continue;
        }
        const cursor = (await store.notices.cursor(reader)) ?? `${Date.now() - LOOKBACK_MS}-0`;
        const batch = await store.notices.after(cursor, 50);
        for (const n of batch) {
          if (matches(spec, n) && !(await this.deliver(spec, n, url))) break;
          await store.notices.advance(reader, n.id);
        }
        if (batch.length === 0) await this.pause(this.opts.pollMs ?? 1000);
      } catch (e) {
        logger.warn({ err: (e as Error).message, urlEnv: spec.urlEnv }, 'notify: reading notices failed');
        await this.pause(this.opts.pollMs ?? 1000);
      }
    }
  }

  /** Sends one notice with retries; true when it is done with (sent, or given up on), false when this daemon stopped leading. */
  private async deliver(spec: NotifySpec, n: Notice, url: string): Promise<boolean> {
    const body = payload(spec.format, n, messageOf(n, this.opts.publicUrl, await this.context(n)));
    const attempts = this.opts.attempts ?? 6;
    let backoff = this.opts.backoffMs ?? 1000;
    for (let i = 1; ; i++) {
      if (!this.leader || this.abort.signal.aborted) return false;
      try {
        await postJson(url, body, this.opts.timeoutMs ?? 10_000, this.abort.signal);
        this.opts.logger.info({ notice: n.id, type: n.type, urlEnv: spec.urlEnv, format: spec.format }, 'notification sent');
        return true;
      } catch (e) {
        const why = e instanceof DeliveryError ? e.message : (e as Error).name;
        if (i >= attempts) {
          this.opts.logger.warn({ notice: n.id, type: n.type, urlEnv: spec.urlEnv, why }, `notification dropped after ${attempts} attempts`);
          return true;
        }
        this.opts.logger.debug({ notice: n.id, urlEnv: spec.urlEnv, why, retryInMs: backoff }, 'notification failed; retrying');
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, 60_000);
      }
    }
  }

  private async context(n: Notice): Promise<{ runName?: string }> {
    if (!n.fields.runId) return {};
    const name = await this.opts.store.redis.hget(this.opts.store.keys.run(n.fields.runId), 'name').catch(() => null);
    return name ? { runName: name } : {};
  }

  private pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}

/** run_failed is run_finished with status failed; every other event is its notice type. */
export function matches(spec: NotifySpec, n: Notice): boolean {
  if (spec.events.includes(n.type as NotifySpec['events'][number])) return true;
  return n.type === 'run_finished' && n.fields.status === 'failed' && spec.events.includes('run_failed');
}

/** A webhook's cursor name: its variable and format (and place, when two entries share both). */
function readerName(spec: NotifySpec, index: number, all: readonly NotifySpec[]): string {
  const same = all.filter((s) => s.urlEnv === spec.urlEnv && s.format === spec.format).length;
  return `${spec.urlEnv}:${spec.format}${same > 1 ? `:${index}` : ''}`;
}
