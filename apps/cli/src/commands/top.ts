// `fleet top`: the live terminal view over the fleet in Redis (see ../top/).
import { type Command, InvalidArgumentError } from 'commander';
import { openFleet, type GlobalOptions } from '../fleet-context.js';
import { untilSignal } from '../signals.js';
import { runTop } from '../top/index.js';

export interface TopOptions {
  interval: number;
}

/** Refresh period in seconds, 0.2 .. 3600. */
export function parseInterval(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || seconds < 0.2 || seconds > 3600) {
    throw new InvalidArgumentError(`'${value}' is not a refresh period in seconds between 0.2 and 3600`);
  }
  return seconds;
}

export function registerTopCommand(program: Command): void {
  program
    .command('top')
    .description('live view: hosts with CPU/memory, each worker and its task, active runs with progress and ETA, recent failures (q quits)')
    .option('--interval <seconds>', 'refresh period', parseInterval, 1)
    .addHelpText(
      'after',
      '\nIn a terminal it redraws full-screen; piped, it prints one summary line per refresh.\n\nExamples:\n  fleet top\n  fleet top --interval 5 | tee fleet-top.log',
    )
    .action(async (opts: TopOptions, cmd: Command) => {
      const fleet = await openFleet(cmd.optsWithGlobals<GlobalOptions>());
      const stop = untilSignal();
      try {
        await runTop({ source: fleet.store.figures, stdout: process.stdout, stdin: process.stdin, intervalMs: Math.round(opts.interval * 1000), signal: stop.signal });
      } finally {
        stop.dispose();
        await fleet.close();
      }
    });
}
