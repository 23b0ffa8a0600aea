// The configured hosts as `fleet deploy/up/down/logs` see them: which ones were asked for, how
// to reach them, where their agentfleet home is, which Redis they must use and the daemon's
// environment. Nothing here opens SSH (see remote.ts); everything here can fail fast on input.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSlots, FleetError, InputError, secretEnvNames, type FleetConfig, type HostSpec } from '@agentfleet/core';
import { resolveHost, SshSession, type HostProbe, type ResolvedHost } from '@agentfleet/fleet';
import { DAEMON_ENV, HOME_DIR_NAME, SET_BY_FLEET_UP } from '@agentfleet/host-contract';
import { redactRedisUrl } from '@agentfleet/store';
import { findConfigFile } from '../config-file.js';
import { retentionEnv } from '../retention-env.js';
import { fleetScopedEnv } from '../fleet-scoped-env.js';

export interface RemoteHost {
  spec: HostSpec;
  ssh: ResolvedHost;
}

/** The hosts named on the command line (all configured ones when none is named). */
export function selectHosts(config: FleetConfig, names: string[], command: string): HostSpec[] {
  if (config.hosts.length === 0) {
    throw new InputError(`fleet ${command}: no hosts in fleet.yaml (add a hosts: list; without hosts the fleet is this machine and needs no ${command})`);
  }
  if (names.length === 0) return config.hosts;
  const known = new Map(config.hosts.map((h) => [h.name, h]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw new InputError(unknown.map((n) => `unknown host '${n}' (configured: ${config.hosts.map((h) => h.name).join(', ')})`).join('\n'));
  return [...new Set(names)].map((n) => known.get(n)!);
}

/** SSH details of each host; relative paths in fleet.yaml are relative to the config file. */
export function resolveRemoteHosts(specs: HostSpec[], configOption: string | undefined): RemoteHost[] {
  const file = findConfigFile(configOption);
  const baseDir = file ? dirname(resolve(file)) : process.cwd();
  return specs.map((spec) => ({ spec, ssh: resolveHost(spec, { baseDir }) }));
}

/**
 * The host's agentfleet home as a path for its shell and SFTP: `workdir` (absolute, `~/...`,
 * or relative to the login directory), else `.agentfleet` in the login directory.
 */
export function remoteHomeSpec(spec: HostSpec): string {
  const w = spec.workdir?.trim();
  if (!w) return HOME_DIR_NAME;
  if (w === '~') return '.';
  if (w.startsWith('~/')) return w.slice(2) || '.';
  if (w.startsWith('~')) throw new InputError(`host '${spec.name}': workdir '${w}': only ~/ (the login user's home) is supported`);
  return w;
}

/** The home as an absolute path, given the login directory on the host. */
export function absoluteHome(spec: HostSpec, loginHome: string): string {
  return posix.resolve(loginHome, remoteHomeSpec(spec));
}

/** apps/worker/bundle (from `npm run build`), or $AGENTFLEET_BUNDLE. */
export function bundleDir(): string {
  const dir = process.env.AGENTFLEET_BUNDLE ?? fileURLToPath(new URL('../../../worker/bundle', import.meta.url));
  if (!existsSync(`${dir}/hostd.js`) || !existsSync(`${dir}/launcher.js`)) {
    throw new FleetError('internal', `the host daemon bundle is missing: ${dir} has no hostd.js/launcher.js (run npm run build)`);
  }
  return dir;
}

export function bundleVersion(dir: string, hash: string): string {
  let version = '0.0.0';
  try {
    version = (JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // a bundle without package.json still runs
  }
  return `${version}+${hash.slice(0, 12)}`;
}

const isLoopbackName = (h: string) => /^127\./.test(h) || h === 'localhost' || h === '::1' || h === '[::1]';

function urlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** Whether the host is this machine's loopback (local test hosts on 127.0.0.x). */
export function isLoopbackHost(h: ResolvedHost): boolean {
  return (h.jumpHosts ?? []).length === 0 && isLoopbackName(h.host);
}

/**
 * Refuses a Redis the host cannot reach: for a host that is not this machine, the embedded Redis
 * (no redis.url, no REDIS_URL) or a loopback URL would be the host's own loopback, not ours.
 * `configuredUrl` is REDIS_URL or redis.url (undefined: the embedded Redis). Checked before SSH.
 */
export function checkRedisReach(host: RemoteHost, configuredUrl: string | undefined): void {
  if (isLoopbackHost(host.ssh)) return;
  const url = host.spec.redisUrl ?? configuredUrl;
  const who = `host '${host.spec.name}' (${host.ssh.host})`;
  if (!url) {
    throw new InputError(
      `${who} cannot use the embedded Redis: it listens on 127.0.0.1 of this machine only. ` +
        'Run a Redis the hosts can reach and set redis.url in fleet.yaml or REDIS_URL (or hosts[].redisUrl for this host).',
    );
  }
  if (isLoopbackName(urlHost(url) ?? '')) {
    throw new InputError(
      `${who} cannot reach Redis at ${redactRedisUrl(url)}: that is this machine's loopback address. ` +
        'Set redis.url (or REDIS_URL) to an address the hosts can reach, or hosts[].redisUrl for this host.',
    );
  }
}

/** The Redis URL the host's daemon gets: hosts[].redisUrl, else the fleet's. */
export function redisUrlForHost(host: RemoteHost, fleetUrl: string): string {
  return host.spec.redisUrl ?? fleetUrl;
}

/** The values of the host's forwarded variables; a missing one is an error naming it. Checked before any SSH. */
export function forwardedSecrets(spec: HostSpec, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const problems: string[] = [];
  const out: Record<string, string> = {};
  for (const name of spec.env) {
    const v = env[name];
    if (v === undefined) problems.push(`host '${spec.name}' forwards ${name} (hosts[].env in fleet.yaml), but ${name} is not set in this shell`);
    else out[name] = v;
  }
  for (const name of Object.keys(spec.daemonEnv)) {
    if (SET_BY_FLEET_UP.includes(name)) problems.push(`host '${spec.name}': daemonEnv may not set ${name} (fleet up sets it from fleet.yaml)`);
    if (spec.env.includes(name)) problems.push(`host '${spec.name}': ${name} is both forwarded (env) and set in daemonEnv`);
  }
  if (problems.length) throw new InputError(problems.join('\n'));
  return out;
}

export interface DaemonEnvInput {
  config: FleetConfig;
  spec: HostSpec;
  redisUrl: string;
  probe: HostProbe;
  version: string;
  secrets: Record<string, string>;
}

/** The daemon's whole environment as `fleet up` passes it (on the launcher's stdin, never argv). */
export function daemonEnvironment(i: DaemonEnvInput): Record<string, string> {
  return {
    ...i.spec.daemonEnv,
    [DAEMON_ENV.redisUrl]: i.redisUrl,
    [DAEMON_ENV.host]: i.spec.name,
    [DAEMON_ENV.prefix]: i.config.redis.prefix,
    [DAEMON_ENV.labels]: i.spec.labels.join(','),
    [DAEMON_ENV.slots]: String(i.spec.slots ?? defaultSlots(i.probe.cores, i.probe.memBytes)),
    [DAEMON_ENV.secretNames]: secretEnvNames(i.config).join(','),
    [DAEMON_ENV.gitAuthor]: i.config.git.author,
    [DAEMON_ENV.heartbeatTtlMs]: String(i.config.heartbeatTtlMs),
    [DAEMON_ENV.version]: i.version,
    // paths only: the files themselves stay on the host
    ...(i.spec.files.length ? { [DAEMON_ENV.files]: JSON.stringify(i.spec.files) } : {}),
    ...(i.spec.sandbox === 'none' ? { [DAEMON_ENV.sandbox]: 'none' } : {}),
    ...retentionEnv(i.config),
    ...fleetScopedEnv(i.config),
    ...i.secrets,
  };
}

export interface SessionOptions {
  acceptNew?: boolean;
}

/** One SSH session for the duration of fn. */
export async function withSession<T>(host: RemoteHost, opts: SessionOptions, fn: (s: SshSession) => Promise<T>): Promise<T> {
  const s = await SshSession.connect(host.ssh, { acceptNew: opts.acceptNew === true });
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

export type HostOutcome<T> = { host: string; ok: true; value: T } | { host: string; ok: false; error: unknown };

/**
 * Runs fn for every host at once; each host's line is printed as soon as it is done. A host
 * that fails does not stop the others: its error goes to stderr and the exit code becomes 1.
 */
export async function onEveryHost<T>(hosts: RemoteHost[], fn: (h: RemoteHost) => Promise<T>, line: (h: RemoteHost, v: T) => string | undefined): Promise<HostOutcome<T>[]> {
  const outcomes = await Promise.all(
    hosts.map(async (h): Promise<HostOutcome<T>> => {
      try {
        const value = await fn(h);
        const text = line(h, value);
        if (text) process.stdout.write(`${text}\n`);
        return { host: h.spec.name, ok: true, value };
      } catch (error) {
        return { host: h.spec.name, ok: false, error };
      }
    }),
  );
  const failed = outcomes.filter((o): o is Extract<HostOutcome<T>, { ok: false }> => !o.ok);
  if (failed.length === 1 && hosts.length === 1) throw failed[0]!.error;
  for (const f of failed) {
    const message = f.error instanceof Error ? f.error.message : String(f.error);
    process.stderr.write(`fleet: ${message.includes(f.host) ? message : `${f.host}: ${message}`}\n`);
  }
  if (failed.length) process.exitCode = 1;
  return outcomes;
}
