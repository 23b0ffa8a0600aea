import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import { KeyedScripts } from './scripts/keyed-scripts.js';

/** A provider paused fleet-wide, as `fleet status` and `fleet top` show it. */
export interface ProviderPause {
  provider: string;
  /** epoch ms */
  until: number;
  reason: string;
}

/**
 * Fleet-wide provider pauses after a 429 or a usage limit (the agents package's
 * ProviderPauses), so that every worker skips a rate-limited provider until its reset
 * instead of each burning its retries. A pause that starts appends a `provider_paused` notice.
 */
export class RedisProviderPauses {
  private readonly scripts: KeyedScripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    this.scripts = new KeyedScripts(redis);
  }

  /** Epoch ms until which the provider is paused; 0 if it is not. */
  async pausedUntil(provider: string): Promise<number> {
    const v = await this.redis.get(this.keys.providerPause(provider));
    const until = v ? Number(v) : 0;
    return Number.isFinite(until) && until > Date.now() ? until : 0;
  }

  async pause(provider: string, untilMs: number, reason = 'rate limited (429)'): Promise<void> {
    if (untilMs <= Date.now()) return;
    await this.scripts.run('pause-provider-3.lua', [this.keys.providerPause(provider), this.keys.providerPauses(), this.keys.notices()], [provider, String(Math.ceil(untilMs)), reason.slice(0, 300)]);
  }

  /** The providers paused now, soonest to resume first (pauses that ended are forgotten). */
  async list(now = Date.now()): Promise<ProviderPause[]> {
    const all = await this.redis.hgetall(this.keys.providerPauses());
    const out: ProviderPause[] = [];
    const over: string[] = [];
    for (const [provider, value] of Object.entries(all)) {
      const at = value.indexOf('|');
      const until = Number(at < 0 ? value : value.slice(0, at));
      if (!(until > now)) over.push(provider);
      else out.push({ provider, until, reason: at < 0 ? '' : value.slice(at + 1) });
    }
    if (over.length) await this.redis.hdel(this.keys.providerPauses(), ...over);
    return out.sort((a, b) => a.until - b.until);
  }
}
