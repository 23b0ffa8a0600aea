// Everything stored under a key prefix, as text: to assert that a value (a secret) is nowhere in
// Redis, whatever the key's type.
import type { Redis } from 'ioredis';

export async function redisText(redis: Redis, pattern: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await redis.keys(pattern)) {
    const type = await redis.type(key);
    if (type === 'string') parts.push((await redis.get(key)) ?? '');
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
    else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
    else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    parts.push(key);
  }
  return parts.join('\n');
}
