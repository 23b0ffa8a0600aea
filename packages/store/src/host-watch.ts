import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

/**
 * Records one `host_down` notice when a host that was up loses its heartbeat without
 * stopping cleanly (a clean stop clears it from the seen-up set). The set move and the
 * notice are one script, so two daemons watching at once record it once.
 */
const DOWN = `if redis.call('SREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', 10000, '*', 'type', 'host_down', 'at', ARGV[2], 'host', ARGV[1])
  return 1
end
return 0`;

export class HostWatch {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Hosts found down since the last check (each recorded once as a notice). */
  async check(now = Date.now()): Promise<string[]> {
    const names = await this.redis.hkeys(this.keys.hosts());
    if (!names.length) return [];
    const pipe = this.redis.pipeline();
    for (const n of names) pipe.exists(this.keys.hostHeartbeat(n));
    pipe.smembers(this.keys.hostsSeenUp());
    const res = (await pipe.exec()) ?? [];
    const seen = new Set((res[names.length]?.[1] as string[] | undefined) ?? []);
    const up = names.filter((_, i) => res[i]?.[1] === 1);
    const newlyUp = up.filter((n) => !seen.has(n));
    if (newlyUp.length) await this.redis.sadd(this.keys.hostsSeenUp(), ...newlyUp);
    const down: string[] = [];
    for (const n of names) {
      if (!seen.has(n) || up.includes(n)) continue;
      if ((await this.redis.eval(DOWN, 2, this.keys.hostsSeenUp(), this.keys.notices(), n, String(now))) === 1) down.push(n);
    }
    return down;
  }
}
