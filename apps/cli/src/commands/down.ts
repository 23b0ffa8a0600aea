import type { Command } from 'commander';
import { loadConfig, type GlobalOptions } from '../fleet-context.js';
import { printLines } from '../output.js';
import { localDown } from './hosts.js';

export function registerDownCommand(program: Command): void {
  program
    .command('down')
    .description('stop host daemons (running tasks finish first); with no hosts configured, the local daemon and the embedded Redis')
    .argument('[hosts...]', 'hosts to stop (default: all configured)')
    .addHelpText('after', '\nExamples:\n  fleet down\n  fleet down majin')
    .action(async (_hosts: string[], _opts: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const config = await loadConfig(globals);
      printLines(await localDown(!process.env.REDIS_URL && !config.redis.url));
    });
}
