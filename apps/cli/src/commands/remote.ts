// `fleet deploy`, `fleet up`, `fleet logs` and the remote half of `fleet down`: the configured
// hosts over SSH. Per host: probe (node >= 20 by absolute path, git, cores, memory), ship the
// content-addressed bundle, start/stop fleet-hostd detached from the session. Secrets and the
// Redis URL travel on the launcher's stdin into the daemon's environment, never on a command line.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { FleetError, InputError, type FleetConfig } from '@agentfleet/core';
import { deployBundle, hashBundle, probeHost, shellCommand, SshError, startDaemon, stopDaemon, type DeployResult, type HostProbe, type SshSession } from '@agentfleet/fleet';
import { redactRedisUrl, type FleetStore } from '@agentfleet/store';
import { loadConfig, openFleet, type GlobalOptions } from '../fleet-context.js';
import { fleetHome } from '../home.js';
import { LOCAL_HOST } from '../local-daemon.js';
import { untilSignal } from '../signals.js';
import { transcriptLogs } from './transcript-logs.js';
import {
  absoluteHome, bundleDir, bundleVersion, checkRedisReach, daemonEnvironment, forwardedSecrets, onEveryHost, redisUrlForHost,
  remoteHomeSpec, resolveRemoteHosts, selectHosts, withSession, type RemoteHost,
} from './remote-hosts.js';

interface Bundle {
  dir: string;
  hash: string;
  version: string;
}

function loadBundle(): Bundle {
  const dir = bundleDir();
  const hash = hashBundle(dir);
  return { dir, hash, version: bundleVersion(dir, hash) };
}

/** Probe, then upload the release unless the host has it already. */
async function deployTo(s: SshSession, host: RemoteHost, bundle: Bundle): Promise<{ probe: HostProbe & { node: { path: string; version: string } }; release: DeployResult }> {
  const probe = await probeHost(s);
  if (probe.missing.length > 0 || !probe.node) {
    throw new SshError(host.spec.name, `${host.spec.name} cannot run fleet-hostd: ${probe.missing.join('; ')}`, { missing: probe.missing });
  }
  const release = await deployBundle(s, bundle.dir, { root: remoteHomeSpec(host.spec), hash: bundle.hash });
  return { probe: probe as HostProbe & { node: { path: string; version: string } }, release };
}

const HEARTBEAT_WAIT_MS = 30_000;

/** A freshly started daemon is up once its heartbeat is in Redis; if not, the end of its log says why. */
async function awaitHeartbeat(store: FleetStore, s: SshSession, host: RemoteHost, home: string, pid: number, redisUrl: string): Promise<void> {
  const deadline = Date.now() + HEARTBEAT_WAIT_MS;
  while (Date.now() < deadline) {
    const status = (await store.hosts.list()).find((h) => h.name === host.spec.name);
    if (status?.up) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const log = posix.join(home, 'logs', 'hostd.log');
  const tail = await s.exec(shellCommand(['tail', '-n', '15', '--', log]), { timeoutMs: 15_000 }).catch(() => undefined);
  throw new SshError(
    host.spec.name,
    `fleet-hostd started on ${host.spec.name} (pid ${pid}) but no heartbeat reached Redis within ${HEARTBEAT_WAIT_MS / 1000} s ` +
      `(the daemon uses ${redactRedisUrl(redisUrl)}: can the host reach it?); last lines of ${log}:\n${tail?.stdout.trimEnd() ?? '(unreadable)'}`,
  );
}

/** Whether a running daemon runs the given release (its command line names <release>/hostd.js). */
async function runsRelease(s: SshSession, pid: number, releaseDir: string): Promise<boolean> {
  const r = await s.exec(['cat', `/proc/${pid}/cmdline`], { timeoutMs: 15_000 });
  return r.stdout.split('\0').some((a) => a.startsWith(`${releaseDir}/`));
}

interface UpResult {
  started: boolean;
  pid: number;
  slots: string;
  uploaded: boolean;
  current: boolean;
}

function parseCount(what: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) > max) throw new InvalidArgumentError(`${what} must be a whole number from 0 to ${max}, got '${value}'`);
    return Number(value);
  };
}

export function registerRemoteCommands(program: Command): void {
  program
    .command('deploy')
    .description('check node >= 20 and git on hosts and upload the daemon bundle (content-addressed; hosts that have it are skipped)')
    .argument('[hosts...]', 'hosts to deploy to (default: all configured)')
    .option('--accept-new', 'record the host key of a host not yet in known_hosts (a changed key is always refused)')
    .addHelpText('after', '\nExamples:\n  fleet deploy\n  fleet deploy mugen --accept-new')
    .action(async (names: string[], opts: { acceptNew?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const config = await loadConfig(globals);
      const hosts = resolveRemoteHosts(selectHosts(config, names, 'deploy'), globals.config);
      const bundle = loadBundle();
      await onEveryHost(
        hosts,
        (h) => withSession(h, opts, (s) => deployTo(s, h, bundle)),
        (h, { probe, release }) =>
          release.uploaded
            ? `${h.spec.name}: release ${release.hash} uploaded to ${release.releaseDir} (node ${probe.node.version} at ${probe.node.path}, git ${probe.git ?? '?'})`
            : `${h.spec.name}: release ${release.hash} already there`,
      );
    });

  program
    .command('up')
    .description('deploy if needed and start fleet-hostd on hosts, detached from SSH (a running daemon is left alone)')
    .argument('[hosts...]', 'hosts to start (default: all configured)')
    .option('--accept-new', 'record the host key of a host not yet in known_hosts (a changed key is always refused)')
    .addHelpText(
      'after',
      '\nThe daemon gets REDIS_URL, its slots and labels, and each variable named in the host\'s env: list\n' +
        '(copied from this shell) through its environment only; hosts[].daemonEnv adds tuning variables.\n\nExamples:\n  fleet up\n  MY_TOKEN=... fleet up mugen',
    )
    .action(async (names: string[], opts: { acceptNew?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const config = await loadConfig(globals);
      const hosts = resolveRemoteHosts(selectHosts(config, names, 'up'), globals.config);
      // Everything that can be wrong without SSH is reported before anything starts.
      const configuredUrl = process.env.REDIS_URL ?? config.redis.url;
      const secrets = new Map(hosts.map((h) => [h.spec.name, forwardedSecrets(h.spec)]));
      for (const h of hosts) checkRedisReach(h, configuredUrl);
      const bundle = loadBundle();
      const fleet = await openFleet(globals, config);
      try {
        await onEveryHost(
          hosts,
          (h) => withSession(h, opts, (s) => upOne(s, h, { config, bundle, store: fleet.store, fleetUrl: fleet.redisUrl, secrets: secrets.get(h.spec.name) ?? {} })),
          (h, r) =>
            r.started
              ? `${h.spec.name}: started (pid ${r.pid}, ${r.slots} slots${r.uploaded ? ', release uploaded' : ''})`
              : `${h.spec.name}: already running (pid ${r.pid})${r.current ? '' : `; it runs an older release: fleet down ${h.spec.name} && fleet up ${h.spec.name} to switch`}`,
        );
      } finally {
        await fleet.close();
      }
    });

  program
    .command('logs')
    .description('a task attempt\'s transcript (RUN TASK; -f follows it until the attempt ends), or a host daemon\'s log (or a worker\'s) over SSH (-f until Ctrl-C)')
    .argument('<host|run>', `host name (${LOCAL_HOST} when no hosts are configured), or a run id followed by a task id`)
    .argument('[task]', 'task id: show its transcript (from Redis; no SSH)')
    .option('--worker <slot>', 'a worker\'s log instead of the daemon\'s (slots count from 0)', parseCount('--worker', 511))
    .option('-f, --follow', 'keep printing new lines until Ctrl-C (a transcript: until its attempt ends)')
    .option('-n, --lines <n>', 'lines to show first', parseCount('--lines', 1_000_000), 100)
    .option('--attempt <n>', 'transcript of this attempt (default: the latest)', parseCount('--attempt', 1_000_000))
    .option('--json', 'transcript entries as JSON lines')
    .option('--full', 'transcript: do not fold long outputs')
    .option('--accept-new', 'record the host key of a host not yet in known_hosts')
    .addHelpText('after', '\nExamples:\n  fleet logs r20261121-080000-ab12 impl -f\n  fleet logs r20261121-080000-ab12 impl --attempt 1 --json\n  fleet logs mugen -n 50\n  fleet logs majin --worker 3 -f')
    .action(async (name: string, task: string | undefined, opts: { worker?: number; follow?: boolean; lines: number; acceptNew?: boolean; attempt?: number; json?: boolean; full?: boolean }, cmd: Command) => {
      if (task !== undefined) return transcriptLogs(name, task, opts, cmd);
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const config = await loadConfig(globals);
      if (config.hosts.length === 0) return showLocalLog(name, opts);
      const [host] = resolveRemoteHosts(selectHosts(config, [name], 'logs'), globals.config);
      await withSession(host!, opts, (s) => showLog(s, host!, opts));
    });
}

async function upOne(s: SshSession, h: RemoteHost, ctx: { config: FleetConfig; bundle: Bundle; store: FleetStore; fleetUrl: string; secrets: Record<string, string> }): Promise<UpResult> {
  const { probe, release } = await deployTo(s, h, ctx.bundle);
  const redisUrl = redisUrlForHost(h, ctx.fleetUrl);
  const env = daemonEnvironment({ config: ctx.config, spec: h.spec, redisUrl, probe, version: ctx.bundle.version, secrets: ctx.secrets });
  const home = absoluteHome(h.spec, probe.home);
  const r = await startDaemon(s, { nodePath: probe.node.path, releaseDir: release.releaseDir, env, args: [], home });
  if (r.started) await awaitHeartbeat(ctx.store, s, h, home, r.pid, redisUrl);
  const current = r.started || (await runsRelease(s, r.pid, release.releaseDir));
  return { started: r.started, pid: r.pid, slots: env.AGENTFLEET_SLOTS!, uploaded: release.uploaded, current };
}

async function showLog(s: SshSession, host: RemoteHost, opts: { worker?: number; follow?: boolean; lines: number }): Promise<void> {
  const file = posix.join(remoteHomeSpec(host.spec), 'logs', opts.worker === undefined ? 'hostd.log' : `worker-${opts.worker}.log`);
  if (!opts.follow) {
    const r = await s.exec(shellCommand(['tail', '-n', String(opts.lines), '--', file]), { timeoutMs: 60_000 });
    if (r.code !== 0) {
      const shown = posix.isAbsolute(file) ? file : `~/${file}`;
      throw new FleetError('internal', `no log ${shown} on ${host.spec.name} (${r.stderr.trim() || `tail exited ${r.code}`})`);
    }
    process.stdout.write(r.stdout);
    return;
  }
  const stop = untilSignal();
  try {
    // -F: keeps following across the daemon's log rotation and waits for a log not written yet.
    await s.stream(shellCommand(['tail', '-n', String(opts.lines), '-F', '--', file]), (chunk, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk), stop.signal);
    if (!stop.signal.aborted) throw new FleetError('internal', `following ${file} on ${host.spec.name} ended: the connection was lost`);
  } finally {
    stop.dispose();
  }
}

/** Without hosts in fleet.yaml the fleet is this machine: its daemon ('local') logs under the local home. */
async function showLocalLog(name: string, opts: { worker?: number; follow?: boolean; lines: number }): Promise<void> {
  if (name !== LOCAL_HOST) throw new InputError(`unknown host '${name}': no hosts in fleet.yaml, so the fleet is this machine (fleet logs ${LOCAL_HOST})`);
  const file = join(fleetHome(), 'logs', opts.worker === undefined ? 'hostd.log' : `worker-${opts.worker}.log`);
  if (!opts.follow && !existsSync(file)) throw new FleetError('internal', `no log ${file} (has the local daemon run yet?)`);
  const stop = untilSignal();
  try {
    const tail = spawn('tail', ['-n', String(opts.lines), ...(opts.follow ? ['-F'] : []), '--', file], { stdio: ['ignore', 'inherit', 'inherit'] });
    stop.signal.addEventListener('abort', () => tail.kill('SIGTERM'), { once: true });
    const code = await new Promise<number | null>((r) => tail.once('close', r));
    if (!stop.signal.aborted && code !== 0) throw new FleetError('internal', `tail of ${file} exited ${code}`);
  } finally {
    stop.dispose();
  }
}

export interface RemoteDownOptions {
  timeout: number;
  kill?: boolean;
  acceptNew?: boolean;
}

/** `fleet down` with hosts configured: SIGTERM each daemon (it drains), wait, optionally SIGKILL. */
export async function remoteDown(config: FleetConfig, names: string[], globals: GlobalOptions, opts: RemoteDownOptions): Promise<void> {
  const hosts = resolveRemoteHosts(selectHosts(config, names, 'down'), globals.config);
  const waitMs = opts.timeout * 1000;
  await onEveryHost(
    hosts,
    (h) => withSession(h, opts, (s) => stopDaemon(s, { home: remoteHomeSpec(h.spec), timeoutMs: waitMs, kill: opts.kill === true })),
    (h, r) => {
      const n = h.spec.name;
      if (r.how === 'not-running') return `${n}: not running`;
      if (r.how === 'stopped') return `${n}: stopped (pid ${r.pid}; running tasks finished first)`;
      if (r.how === 'killed') return `${n}: killed (pid ${r.pid}) after waiting ${opts.timeout} s for its running tasks`;
      return `${n}: draining (pid ${r.pid}): running tasks finish, then it exits (fleet down ${n} --kill to stop it now)`;
    },
  );
}

/** --timeout for `fleet down`, seconds. */
export const parseDownTimeout = parseCount('--timeout', 7 * 24 * 3600);
