import type { Command } from 'commander';
import { loadConfig, type GlobalOptions } from '../fleet-context.js';
import { printLines } from '../output.js';
import { localDown } from './hosts.js';
import { parseDownTimeout, remoteDown, type RemoteDownOptions } from './remote.js';

export function registerDownCommand(program: Command): void {
  program
    .command('down')
    .description('stop host daemons (running tasks finish first); with no hosts configured, the local daemon and the embedded Redis')
    .argument('[hosts...]', 'hosts to stop (default: all configured)')
    .option('--timeout <seconds>', 'configured hosts: how long to wait for running tasks to finish', parseDownTimeout, 60)
    .option('--kill', 'configured hosts: SIGKILL daemons still draining after --timeout (their running tasks run again elsewhere)')
    .option('--accept-new', 'record the host key of a host not yet in known_hosts')
    .addHelpText('after', '\nExamples:\n  fleet down\n  fleet down majin\n  fleet down majin --timeout 600 --kill')
    .action(async (hosts: string[], opts: RemoteDownOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const config = await loadConfig(globals);
      if (config.hosts.length > 0) return remoteDown(config, hosts, globals, opts);
      printLines(await localDown(!process.env.REDIS_URL && !config.redis.url));
    });
}
