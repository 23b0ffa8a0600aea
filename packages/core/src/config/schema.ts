import { z } from 'zod';
import { InputError } from '../errors.js';
import { HOST_NAME_PATTERN } from '../ids.js';
import { parseSource } from '../source.js';
import { zodProblems } from '../zod-problems.js';
import { SANDBOX_MODES } from '../plan/sandbox-types.js';
import { hostFilesSchema } from './host-files.js';
import { retentionSchema } from './retention.js';
import { PROVIDER_APIS, SPILL_MODES } from './provider-api.js';

const tierModels = z.strictObject({ low: z.string().min(1).optional(), medium: z.string().min(1).optional(), high: z.string().min(1).optional() });

const hostSchema = z.strictObject({
  name: z.string().regex(HOST_NAME_PATTERN, 'host names are letters, digits, . _ - (max 63)'),
  ssh: z.string().min(1).optional(),
  slots: z.number().int().min(0).max(512).optional(),
  labels: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'labels are lowercase [a-z0-9_-], max 32')).default([]),
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name')).default([]),
  knownHosts: z.string().optional(),
  identityFile: z.string().optional(),
  /** The host's agentfleet home (AGENTFLEET_HOME): absolute, or relative to the login directory. Default ~/.agentfleet. */
  workdir: z.string().min(1).optional(),
  /** Redis as this host must reach it, when that differs from redis.url (NAT, another network). */
  redisUrl: z.string().regex(/^rediss?:\/\//, 'redisUrl is redis://… or rediss://…').optional(),
  /** Non-secret tuning variables for this host's daemon (AGENTFLEET_LOCK_MS, LOG_LEVEL, ...), passed like secrets: environment only. */
  daemonEnv: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name'), z.string()).default({}),
  /** Files of this host copied into every workspace before setup (never committed, never in Redis). */
  files: hostFilesSchema,
  /** How this host confines its tasks: bwrap (bubblewrap, the default) or none (unconfined, stated in the report). */
  sandbox: z.enum(SANDBOX_MODES).default('bwrap'),
});

const providerSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/),
  baseURL: z.url(),
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  models: tierModels,
  /** ms to wait for a response before the provider counts as down */
  timeoutMs: z.number().int().positive().default(120_000),
  /** ms a failing provider is skipped before it is tried again */
  cooldownMs: z.number().int().positive().default(60_000),
  reasoningEffort: z.enum(['low', 'medium', 'high']).optional(),
  /** which API the endpoint speaks, so which agent kind uses it (provider-api.ts) */
  api: z.enum(PROVIDER_APIS).default('chat'),
  /** fleet-wide cap on requests in flight to this endpoint (its baseURL), shared by every run */
  maxConcurrent: z.number().int().min(1).max(10_000).optional(),
  /** whether a busy provider hands work to the next one of the chain (down ones always do, unless never) */
  spill: z.enum(SPILL_MODES).default('when-down'),
});

/** What notifications can be sent about (the notices the fleet records; run_failed is run_finished with status failed). */
export const NOTIFY_EVENTS = ['run_finished', 'run_failed', 'task_failed', 'approval_needed', 'budget_reached', 'host_down', 'provider_paused'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export const notifySchema = z.strictObject({
  /** the variable holding the webhook URL (a secret: never in Redis, logs or reports) */
  urlEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name'),
  format: z.enum(['slack', 'discord', 'json']).default('json'),
  /** default: everything but run_failed (run_finished includes it) */
  events: z.array(z.enum(NOTIFY_EVENTS)).min(1, 'list at least one event').default(NOTIFY_EVENTS.filter((e) => e !== 'run_failed')),
});

const priceSchema = z.strictObject({ input: z.number().min(0), cachedInput: z.number().min(0).optional(), output: z.number().min(0) });

export const configSchema = z.strictObject({
  redis: z.strictObject({ url: z.string().optional(), prefix: z.string().regex(/^(\{[a-zA-Z0-9_-]+\}|[a-zA-Z0-9_-]+)$/, 'prefix is [a-zA-Z0-9_-]+, optionally in {braces} for Redis Cluster').default('af') }).prefault({}),
  hosts: z.array(hostSchema).default([]),
  /** The local fleet's own host settings (it has no hosts entry). */
  local: hostSchema.pick({ slots: true, labels: true, files: true, sandbox: true }).prefault({}),
  providers: z.array(providerSchema).default([]),
  pricing: z.record(z.string(), priceSchema).default({}),
  budgets: z.strictObject({ perTaskUsd: z.number().positive().optional(), perRunUsd: z.number().positive().optional(), perTaskTokens: z.number().int().positive().optional() }).prefault({}),
  git: z.strictObject({ author: z.string().regex(/^[^<>]+ <[^<>\s]+>$/, 'author is "Name <email>"').default('agentfleet <fleet@localhost>') }).prefault({}),
  monitor: z
    .strictObject({
      listen: z.string().default('127.0.0.1:9464'),
      queuesWritable: z.boolean().default(false),
      /** The variable holding the console's token: without it the console is read-only. */
      tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name').optional(),
      /** The console's address as people reach it (login URL, links in notifications). */
      publicUrl: z.url().optional(),
    })
    .prefault({}),
  retention: retentionSchema,
  /** webhooks told of runs, failures, approvals... (fleet-scoped: sent by the daemon holding the reconciler lease) */
  notify: z.array(notifySchema).default([]),
  /** Names of environment variables whose values are secrets (redacted from logs). */
  secrets: z.array(z.string()).default([]),
  /** Heartbeat TTL of hosts, ms: a host that has not written for this long is down. */
  heartbeatTtlMs: z.number().int().min(1000).default(15_000),
});

export type FleetConfig = z.output<typeof configSchema>;
export type HostSpec = z.output<typeof hostSchema>;
export type LocalHostSpec = FleetConfig['local'];
export { hostFilePath, type HostFile } from './host-files.js';
export type ProviderSpec = z.output<typeof providerSchema>;
export type PriceSpec = z.output<typeof priceSchema>;
export type NotifySpec = z.output<typeof notifySchema>;
export type Tier = 'low' | 'medium' | 'high';

/** Parses fleet.yaml text (YAML or JSON); every problem located and reported at once. */
export function parseConfig(text: string, file: string): FleetConfig {
  const doc = parseSource(text, file);
  const value = doc.value ?? {};
  const result = configSchema.safeParse(value);
  if (!result.success) throw new InputError(zodProblems(result.error, doc));
  const names = new Set<string>();
  const problems = [];
  for (const [i, h] of result.data.hosts.entries()) {
    if (names.has(h.name)) problems.push({ file, ...doc.locate(['hosts', i, 'name']), message: `duplicate host name '${h.name}'` });
    names.add(h.name);
  }
  if (problems.length) throw new InputError(problems);
  return result.data;
}

/** A notify: list given as JSON (how a daemon gets it: fleet-scoped, from `fleet up` or the local fleet), validated as fleet.yaml's. */
export function parseNotifyJson(text: string, what: string): NotifySpec[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} is not JSON: ${(e as Error).message}`);
  }
  const parsed = z.array(notifySchema).safeParse(value);
  if (!parsed.success) throw new InputError(`${what} is not a notify: list (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  return parsed.data;
}

export function defaultConfig(): FleetConfig {
  return configSchema.parse({});
}

/** Names of every environment variable whose value must never reach logs, Redis or argv. */
export function secretEnvNames(config: FleetConfig): string[] {
  const names = new Set(config.secrets);
  for (const p of config.providers) if (p.apiKeyEnv) names.add(p.apiKeyEnv);
  if (config.monitor.tokenEnv) names.add(config.monitor.tokenEnv);
  for (const h of config.hosts) for (const e of h.env) names.add(e);
  for (const n of config.notify) names.add(n.urlEnv);
  return [...names];
}
