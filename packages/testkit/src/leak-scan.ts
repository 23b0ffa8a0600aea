// Where a secret could leak to: every key and value of a Redis (or of one key prefix), every file
// under a tree. Tests that promise a value stays on its host assert it is in neither.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createRedis } from '@agentfleet/store';

/** Every key matching `pattern` with its value, read the way its type needs, as one text. */
export async function redisText(redis: Redis, pattern = '*'): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) parts.push(k, await valueText(redis, k));
  } while (cursor !== '0');
  return parts.join('\n');
}

/** Every key of the Redis at `url` with its value. */
export async function redisDump(url: string): Promise<string> {
  const r = createRedis(url);
  try {
    return await redisText(r);
  } finally {
    r.disconnect();
  }
}

async function valueText(r: Redis, key: string): Promise<string> {
  switch (await r.type(key)) {
    case 'string':
      return (await r.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await r.hgetall(key));
    case 'list':
      return JSON.stringify(await r.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await r.smembers(key));
    case 'zset':
      return JSON.stringify(await r.zrange(key, 0, -1, 'WITHSCORES'));
    case 'stream':
      return JSON.stringify(await r.xrange(key, '-', '+'));
    default:
      return '';
  }
}

/** Regular files under dir (symlinks not followed) whose content contains needle. */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const p = join(d, name);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 64 * 1024 * 1024 && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}
