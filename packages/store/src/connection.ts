import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { FleetError, InputError } from '@agentfleet/core';

/** The URL as it may be shown: the password replaced by ***. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid redis url>';
  }
}

export interface ConnectOptions {
  /** BullMQ workers need maxRetriesPerRequest null on their blocking connections. */
  forWorker?: boolean;
  connectTimeoutMs?: number;
  /** Extra TLS options, over those of the environment (REDIS_TLS_CA_FILE). */
  tls?: RedisOptions['tls'];
  lazy?: boolean;
}

/**
 * TLS settings from the environment for rediss://: REDIS_TLS_CA_FILE names a PEM file of
 * the CA(s) that signed the server's certificate (a private CA), trusted in addition to
 * the system's. Every connection — CLI, daemon, BullMQ workers — is built here, so all get it.
 */
export function tlsFromEnv(env: NodeJS.ProcessEnv = process.env): { ca?: Buffer } {
  const file = env.REDIS_TLS_CA_FILE;
  if (!file) return {};
  try {
    return { ca: readFileSync(file) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`REDIS_TLS_CA_FILE '${file}' cannot be read${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
}

/** Parses redis:// and rediss:// URLs into ioredis options (TLS for rediss). */
export function redisOptionsFromUrl(url: string, opts: ConnectOptions = {}): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`invalid Redis URL '${redactRedisUrl(url)}': expected redis://[user:password@]host:port[/db] or rediss://...`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new InputError(`invalid Redis URL '${redactRedisUrl(url)}': the scheme must be redis:// or rediss://`);
  }
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    // SNI takes a host name only: Node warns (DEP0123) when given an IP address.
    tls: u.protocol === 'rediss:' ? { ...(isIP(u.hostname) ? {} : { servername: u.hostname }), ...tlsFromEnv(), ...(opts.tls ?? {}) } : undefined,
    connectTimeout: opts.connectTimeoutMs ?? 10_000,
    maxRetriesPerRequest: opts.forWorker ? null : 20,
    enableReadyCheck: true,
    lazyConnect: opts.lazy ?? false,
    // Reconnect forever with a capped delay: Redis restarts must not kill daemons.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 3000),
  };
}

export function createRedis(url: string, opts: ConnectOptions = {}): Redis {
  return new Redis(redisOptionsFromUrl(url, opts));
}

/** Connects and pings once, failing fast with a message that names the URL. */
export async function connectChecked(url: string, opts: ConnectOptions = {}): Promise<Redis> {
  const redis = new Redis({ ...redisOptionsFromUrl(url, opts), lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  // The socket's own error (a TLS certificate refused, ECONNREFUSED) says more than "Connection is closed".
  let cause: Error | undefined;
  redis.on('error', (e: Error) => (cause ??= e));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new FleetError('internal', `cannot connect to Redis at ${redactRedisUrl(url)}: ${(cause ?? (err as Error)).message}`);
  }
  redis.disconnect();
  const live = createRedis(url, opts);
  live.on('error', () => undefined);
  return live;
}

export interface PreflightResult {
  version: string;
  maxmemoryPolicy: string;
}

/** Refuses Redis older than 6.2 and eviction policies that could drop jobs. */
export async function preflight(redis: Redis, url: string, opts: { allowEviction?: boolean } = {}): Promise<PreflightResult> {
  const info = await redis.info('server');
  const version = /redis_version:([\d.]+)/.exec(info)?.[1] ?? '0';
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < 6 || (major === 6 && minor < 2)) {
    throw new FleetError('internal', `Redis at ${redactRedisUrl(url)} is version ${version}; agentfleet needs 6.2 or newer`);
  }
  const policy = (await configValue(redis, 'maxmemory-policy')) ?? 'unknown';
  if (policy !== 'noeviction' && !opts.allowEviction) {
    throw new FleetError(
      'internal',
      `Redis at ${redactRedisUrl(url)} has maxmemory-policy '${policy}': it may evict queued jobs and lose tasks. ` +
        `Set 'maxmemory-policy noeviction' (redis-cli CONFIG SET maxmemory-policy noeviction) or pass --allow-eviction`,
    );
  }
  return { version, maxmemoryPolicy: policy };
}

/** One CONFIG GET value, or null when the server does not have it (or refuses CONFIG). */
export async function configValue(redis: Redis, name: string): Promise<string | null> {
  const reply = (await redis.config('GET', name)) as string[];
  return reply[1] ?? null;
}

/** Which persistence the server has on: 'aof', 'rdb', both or none. */
export async function redisPersistence(redis: Redis): Promise<('aof' | 'rdb')[]> {
  const [aof, save] = await Promise.all([configValue(redis, 'appendonly'), configValue(redis, 'save')]);
  return [...(aof === 'yes' ? (['aof'] as const) : []), ...(save ? (['rdb'] as const) : [])];
}
