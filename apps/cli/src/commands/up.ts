// `fleet up [HOST...] [--restart]`: per configured host, deploy the bundle if needed and start
// fleet-hostd detached from SSH. A running daemon is left alone, with a word when it runs an
// older release, speaks an older protocol, or runs with an older environment than `fleet up`
// would give it (daemon-drift.ts); `--restart` drains it (its running tasks finish, no task is
// lost) and starts the new one, which takes over when the old one has exited. Without hosts
// configured, the same for the local fleet's daemon.
import type { Command } from 'commander';
import { InputError, type FleetConfig } from '@agentfleet/core';
import { daemonInfo, daemonLogFile, daemonStatus, launchEnvironment, readDaemonLog, SshError, startDaemon, type SshSession } from '@agentfleet/fleet';
import { redactRedisUrl, type FleetStore, type HostStatus } from '@agentfleet/store';
import { driftReasons } from '../daemon-drift.js';
import { loadConfig, openFleet, type GlobalOptions } from '../fleet-context.js';
import { waitForHeartbeat } from '../heartbeat-wait.js';
import { LOCAL_HOST, localHostName } from '../local-daemon.js';
import { upLocalFleet } from '../local-fleet.js';
import { notifySecrets } from '../fleet-scoped-env.js';
import { printLines } from '../output.js';
import { hostSandboxStatus, sandboxNotice } from '../sandbox-notice.js';
import { upLine, type UpOutcome } from '../up-outcome.js';
import { refuseMissingHostFiles } from './host-files-check.js';
import { loadBundle, deployTo, type Bundle } from './release.js';
import { parseSeconds } from './remote.js';
import {
  absoluteHome, checkRedisReach, daemonEnvironment, forwardedSecrets, onEveryHost, redisUrlForHost, resolveRemoteHosts, selectHosts, withSession,
  type RemoteHost,
} from './remote-hosts.js';

interface UpOptions {
  restart?: boolean;
  timeout: number;
  acceptNew?: boolean;
}

interface UpContext {
  config: FleetConfig;
  bundle: Bundle;
  store: FleetStore;
  fleetUrl: string;
  secrets: Record<string, string>;
  hosts: HostStatus[];
  restart: boolean;
  waitMs: number;
}

const HEARTBEAT_WAIT_MS = 30_000;

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('deploy if needed and start fleet-hostd on hosts, detached from SSH (a running daemon is left alone; --restart drains and replaces it)')
    .argument('[hosts...]', `hosts to start (default: all configured; ${LOCAL_HOST} when none is)`)
    .option('--restart', 'drain a running daemon (its running tasks finish, none is lost) and start it again with the deployed release and the current environment')
    .option('--timeout <seconds>', 'with --restart: how long to wait for the old daemon to drain (the new one takes over when it has, either way)', parseSeconds, 600)
    .option('--accept-new', 'record the host key of a host not yet in known_hosts (a changed key is always refused)')
    .addHelpText(
      'after',
      '\nThe daemon gets REDIS_URL, its slots and labels, and each variable named in the host\'s env: list\n' +
        '(copied from this shell) through its environment only; hosts[].daemonEnv adds tuning variables.\n' +
        'A running daemon is compared with what up would start (release, protocol, environment fingerprint)\n' +
        'and up says what differs; --restart applies it.\n\nExamples:\n  fleet up\n  MY_TOKEN=... fleet up mugen\n  fleet up --restart mugen',
    )
    .action(async (names: string[], opts: UpOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const config = await loadConfig(globals);
      if (config.hosts.length === 0) return upLocal(names, opts, globals, config);
      const hosts = resolveRemoteHosts(selectHosts(config, names, 'up'), globals.config);
      // Everything that can be wrong without SSH is reported before anything starts.
      const configuredUrl = process.env.REDIS_URL ?? config.redis.url;
      const webhooks = notifySecrets(config);
      const secrets = new Map(hosts.map((h) => [h.spec.name, { ...forwardedSecrets(h.spec), ...webhooks }]));
      for (const h of hosts) checkRedisReach(h, configuredUrl);
      const bundle = loadBundle();
      const fleet = await openFleet(globals, config);
      try {
        const base = { config, bundle, store: fleet.store, fleetUrl: fleet.redisUrl, hosts: await fleet.store.hosts.list(), restart: opts.restart === true, waitMs: opts.timeout * 1000 };
        await onEveryHost(
          hosts,
          (h) => withSession(h, opts, async (s) => withSandboxNotice(fleet.store, h.spec.name, await upOne(s, h, { ...base, secrets: secrets.get(h.spec.name) ?? {} }))),
          (h, r) => upLine(h.spec.name, r, `fleet up --restart ${h.spec.name}`),
        );
      } finally {
        await fleet.close();
      }
    });
}

async function upLocal(names: string[], opts: UpOptions, globals: GlobalOptions, config: FleetConfig): Promise<void> {
  const other = names.find((n) => n !== LOCAL_HOST);
  if (other) throw new InputError(`unknown host '${other}': no hosts in fleet.yaml, so the fleet is this machine (fleet up, or fleet up ${LOCAL_HOST})`);
  const fleet = await openFleet(globals, config);
  try {
    const outcome = await withSandboxNotice(fleet.store, localHostName(), await upLocalFleet(fleet, { restart: opts.restart, waitMs: opts.timeout * 1000 }));
    printLines([upLine(LOCAL_HOST, outcome, 'fleet up --restart')]);
  } finally {
    await fleet.close();
  }
}

/** A host that cannot sandbox (or runs its tasks unconfined) says so on its `fleet up` line. */
async function withSandboxNotice(store: FleetStore, host: string, o: UpOutcome): Promise<UpOutcome> {
  return { ...o, sandboxNotice: sandboxNotice(await hostSandboxStatus(store, host)) };
}

async function upOne(s: SshSession, h: RemoteHost, ctx: UpContext): Promise<UpOutcome> {
  const { probe, release } = await deployTo(s, h, ctx.bundle);
  await refuseMissingHostFiles(s, h, probe.home);
  const redisUrl = redisUrlForHost(h, ctx.fleetUrl);
  const env = daemonEnvironment({ config: ctx.config, spec: h.spec, redisUrl, probe, version: ctx.bundle.version, secrets: ctx.secrets });
  const home = absoluteHome(h.spec, probe.home);
  if (!ctx.restart) {
    const info = await daemonInfo(s, { home });
    if (info.running && info.pid) {
      const protocol = ctx.hosts.find((x) => x.name === h.spec.name)?.protocol ?? null;
      return { kind: 'running', pid: info.pid, drift: driftReasons({ runningRelease: info.releaseDir, release: release.releaseDir, record: info.record, env: launchEnvironment({ env, home }), protocol }) };
    }
  }
  const r = await startDaemon(s, { nodePath: probe.node.path, releaseDir: release.releaseDir, env, args: [], home, replace: ctx.restart });
  if (!r.started) return { kind: 'running', pid: r.pid, drift: [] };
  const alive = async () => (await daemonStatus(s, { home })).pid === r.pid;
  const up = await waitForHeartbeat(ctx.store, h.spec.name, r.pid, { timeoutMs: r.replaces === undefined ? HEARTBEAT_WAIT_MS : ctx.waitMs, alive, aliveEveryMs: 3000 });
  if (r.replaces !== undefined && up !== 'gone') {
    return up === 'up' ? { kind: 'restarted', pid: r.pid, replaced: r.replaces, uploaded: release.uploaded } : { kind: 'restarting', pid: r.pid, replaced: r.replaces };
  }
  if (up !== 'up') throw await noHeartbeat(s, h, home, r.pid, redisUrl, up);
  return { kind: 'started', pid: r.pid, slots: env.AGENTFLEET_SLOTS!, uploaded: release.uploaded };
}

/** A daemon that started but never sent a heartbeat: the end of its log says why. */
async function noHeartbeat(s: SshSession, h: RemoteHost, home: string, pid: number, redisUrl: string, why: 'gone' | 'timeout'): Promise<SshError> {
  const tail = await readDaemonLog(s, { home, lines: 15 }).catch(() => '(unreadable)\n');
  const what = why === 'gone' ? 'exited before its heartbeat reached Redis' : `sent no heartbeat to Redis within ${HEARTBEAT_WAIT_MS / 1000} s`;
  return new SshError(
    h.spec.name,
    `fleet-hostd started on ${h.spec.name} (pid ${pid}) but ${what} (the daemon uses ${redactRedisUrl(redisUrl)}: can the host reach it?); ` +
      `last lines of ${daemonLogFile(home)}:\n${tail.trimEnd()}`,
  );
}
