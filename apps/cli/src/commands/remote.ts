// `fleet deploy`, `fleet logs` and the remote half of `fleet down` (`fleet up` is up.ts): the
// configured hosts over SSH. Per host: probe (node >= 20 by absolute path, git, cores, memory)
// and ship the content-addressed bundle (release.ts); read or follow a daemon's logs and stop
// daemons through packages/fleet, which knows where they live on the host.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { FleetError, InputError, type FleetConfig } from '@agentfleet/core';
import { followDaemonLog, readDaemonLog, stopDaemon, type SshSession } from '@agentfleet/fleet';
import { homeLayout } from '@agentfleet/host-contract';
import { loadConfig, type GlobalOptions } from '../fleet-context.js';
import { fleetHome } from '../home.js';
import { LOCAL_HOST } from '../local-daemon.js';
import { untilSignal } from '../signals.js';
import { transcriptLogs } from './transcript-logs.js';
import { deployTo, loadBundle } from './release.js';
import { onEveryHost, remoteHomeSpec, resolveRemoteHosts, selectHosts, withSession, type RemoteHost } from './remote-hosts.js';

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

async function showLog(s: SshSession, host: RemoteHost, opts: { worker?: number; follow?: boolean; lines: number }): Promise<void> {
  const log = { home: remoteHomeSpec(host.spec), worker: opts.worker, lines: opts.lines };
  if (!opts.follow) {
    process.stdout.write(await readDaemonLog(s, log));
    return;
  }
  const stop = untilSignal();
  try {
    await followDaemonLog(s, log, (chunk, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk), stop.signal);
  } finally {
    stop.dispose();
  }
}

/** Without hosts in fleet.yaml the fleet is this machine: its daemon ('local') logs under the local home. */
async function showLocalLog(name: string, opts: { worker?: number; follow?: boolean; lines: number }): Promise<void> {
  if (name !== LOCAL_HOST) throw new InputError(`unknown host '${name}': no hosts in fleet.yaml, so the fleet is this machine (fleet logs ${LOCAL_HOST})`);
  const layout = homeLayout(fleetHome());
  const file = opts.worker === undefined ? layout.hostdLog : layout.workerLog(opts.worker);
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

/** --timeout of `fleet down` and `fleet up --restart`, seconds. */
export const parseSeconds = parseCount('--timeout', 7 * 24 * 3600);
export const parseDownTimeout = parseSeconds;
