import { InvalidArgumentError, type Command } from 'commander';
import { HOST_NAME_PATTERN, InputError } from '@agentfleet/core';
import { embeddedRedisRunning, stopEmbeddedRedis, type HostStatus } from '@agentfleet/store';
import { openFleet, type GlobalOptions } from '../fleet-context.js';
import { fleetHome } from '../home.js';
import { stopLocalDaemon } from '../local-daemon.js';
import { formatTable, printJson, printLines } from '../output.js';
import { providerLines } from '../report/providers.js';
import { sandboxNotice } from '../sandbox-notice.js';

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)}G`;

export function hostLines(hosts: HostStatus[]): string[] {
  if (!hosts.length) return ['no hosts yet (fleet up, or fleet run with no hosts configured starts the local one)'];
  return formatTable([
    ['host', 'up', 'busy/idle/desired', 'cpu', 'mem', 'load1', 'disk free', 'heartbeat', 'labels', 'note'],
    ...hosts.map((h) => [
      h.name,
      h.up ? 'up' : 'DOWN',
      `${h.slots.busy}/${h.slots.idle}/${h.slots.desired}`,
      `${Math.round(h.cpu * 100)}%`,
      `${gib(h.memory.used)}/${gib(h.memory.total)}`,
      h.load1.toFixed(2),
      gib(h.diskFree),
      h.heartbeatAgeMs === null ? '-' : `${(h.heartbeatAgeMs / 1000).toFixed(1)}s ago`,
      h.labels.join(',') || '-',
      [h.notAcceptingReason, h.protocolNotice, sandboxNotice(h.sandbox)].filter(Boolean).join('; '),
    ]),
  ]);
}

/** `mugen=12 majin=6` -> [['mugen', 12], ['majin', 6]] */
export function parseScaleArgs(args: string[]): [string, number][] {
  if (!args.length) throw new InputError('fleet scale needs HOST=SLOTS pairs, e.g. fleet scale mugen=12 majin=6');
  return args.map((a) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(\d{1,3})$/.exec(a);
    if (!m) throw new InputError(`'${a}' is not HOST=SLOTS (e.g. mugen=12)`);
    return [m[1]!, Number(m[2])];
  });
}

/** A malformed host name is refused before Redis is opened. */
function parseHostArg(value: string): string {
  if (!HOST_NAME_PATTERN.test(value)) throw new InvalidArgumentError('host names are letters, digits, . _ - (max 63)');
  return value;
}

export function registerHostCommands(program: Command): void {
  program
    .command('hosts')
    .description('hosts of the fleet: up/down, slots busy/idle/desired, CPU, memory, disk, heartbeat')
    .option('--json', 'JSON array')
    .addHelpText('after', '\nExample:\n  fleet hosts --json')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const fleet = await openFleet(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const hosts = await fleet.store.hosts.list();
        if (opts.json) return printJson(hosts);
        const providers = providerLines(await fleet.store.figures.providerStates());
        printLines([...hostLines(hosts), ...(providers.length ? ['', 'providers', ...providers.map((l) => `  ${l}`)] : [])]);
      } finally {
        await fleet.close();
      }
    });

  program
    .command('scale')
    .description('set worker slots per host while runs go on (surplus workers exit after their current task)')
    .argument('<host=slots...>', 'e.g. mugen=12 majin=6')
    .addHelpText('after', '\nExample:\n  fleet scale mugen=16 majin=4')
    .action(async (pairs: string[], _o: unknown, cmd: Command) => {
      const wanted = parseScaleArgs(pairs);
      const fleet = await openFleet(cmd.optsWithGlobals<GlobalOptions>());
      try {
        for (const [host, slots] of wanted) {
          await fleet.store.hosts.setSlots(host, slots);
          await fleet.store.events.publish({ type: 'scale', host, slots });
        }
        printLines(wanted.map(([h, s]) => `${h}: ${s} slots`));
      } finally {
        await fleet.close();
      }
    });

  program
    .command('drain')
    .description('let a host finish its running tasks and take no new ones (--undo to take work again)')
    .argument('<host>', 'host name', parseHostArg)
    .option('--undo', 'take work again')
    .addHelpText('after', '\nExamples:\n  fleet drain majin\n  fleet drain majin --undo')
    .action(async (host: string, opts: { undo?: boolean }, cmd: Command) => {
      const fleet = await openFleet(cmd.optsWithGlobals<GlobalOptions>());
      try {
        await fleet.store.hosts.setDrain(host, !opts.undo);
        await fleet.store.events.publish({ type: 'drain', host, drain: !opts.undo });
        printLines([opts.undo ? `${host}: taking work again` : `${host}: draining (running tasks finish, no new ones start)`]);
      } finally {
        await fleet.close();
      }
    });
}

/** `fleet down` with no hosts: the local daemon, then the embedded Redis (if that is what we use). */
export async function localDown(usesEmbeddedRedis: boolean): Promise<string[]> {
  const home = fleetHome();
  const lines: string[] = [];
  lines.push((await stopLocalDaemon(home)) ? 'local host daemon stopped (running tasks finished first)' : 'no local host daemon running');
  if (usesEmbeddedRedis && (await embeddedRedisRunning(home))) {
    await stopEmbeddedRedis(home);
    lines.push('embedded redis-server stopped');
  }
  return lines;
}
