// Where a secret could leak to: every key and value of a Redis, every file under a tree. Tests
// that promise a value stays on its host assert it is in neither.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedis } from '@agentfleet/store';

/** Every key of the Redis, with its value read the way its type needs. */
export async function redisDump(url: string): Promise<string> {
  const r = createRedis(url);
  const parts: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) {
        parts.push(k);
        const type = await r.type(k);
        if (type === 'string') parts.push((await r.get(k)) ?? '');
        else if (type === 'hash') parts.push(JSON.stringify(await r.hgetall(k)));
        else if (type === 'list') parts.push(JSON.stringify(await r.lrange(k, 0, -1)));
        else if (type === 'set') parts.push(JSON.stringify(await r.smembers(k)));
        else if (type === 'zset') parts.push(JSON.stringify(await r.zrange(k, 0, -1, 'WITHSCORES')));
        else if (type === 'stream') parts.push(JSON.stringify(await r.xrange(k, '-', '+')));
      }
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return parts.join('\n');
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
