import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

// Raises the pause, never shortens it: two workers seeing 429s with different reset times
// keep the later one. PX expiry removes the key once the pause is over.
const PAUSE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
if untilMs > current and ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
  return 1
end
return 0
`;

/**
 * Fleet-wide provider pauses after a 429 (the agents package's ProviderPauses), so that every
 * worker skips a rate-limited provider until its reset instead of each burning its retries.
 */
export class RedisProviderPauses {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  private key(provider: string): string {
    return this.keys.providerPause(provider);
  }

  /** Epoch ms until which the provider is paused; 0 if it is not. */
  async pausedUntil(provider: string): Promise<number> {
    const v = await this.redis.get(this.key(provider));
    const until = v ? Number(v) : 0;
    return Number.isFinite(until) && until > Date.now() ? until : 0;
  }

  /** `reason` (optional) is shown with the pause (the console's hosts page). */
  async pause(provider: string, untilMs: number, reason?: string): Promise<void> {
    const ttl = Math.ceil(untilMs - Date.now());
    if (ttl <= 0) return;
    const raised = await this.redis.eval(PAUSE_SCRIPT, 1, this.key(provider), String(Math.ceil(untilMs)), String(ttl));
    if (raised === 1 && reason) await this.redis.set(`${this.key(provider)}:reason`, reason.slice(0, 500), 'PX', ttl);
  }

  /** Providers paused now, with until when and why (when the pauser said). */
  async list(): Promise<{ provider: string; until: number; reason: string | null }[]> {
    const prefix = this.keys.providerPause('');
    const head = prefix.slice(0, prefix.indexOf(':provider:') + ':provider:'.length);
    const out: { provider: string; until: number; reason: string | null }[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${head}*:paused-until`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const [until, reason] = await this.redis.mget(key, `${key}:reason`);
        if (Number(until) > Date.now()) out.push({ provider: key.slice(head.length, -':paused-until'.length), until: Number(until), reason: reason ?? null });
      }
    } while (cursor !== '0');
    return out.sort((a, b) => a.provider.localeCompare(b.provider));
  }
}
