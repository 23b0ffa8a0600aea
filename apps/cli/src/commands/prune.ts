// `fleet prune`: retention by hand. Finished runs older than --older-than (default
// retention.runs of fleet.yaml) are archived under this machine's agentfleet home, then removed
// from Redis with their BullMQ jobs; `fleet report` still reads them from the archive.
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '@agentfleet/core';
import { deleteRemoteBranches } from '@agentfleet/workspace';
import { openFleet, type GlobalOptions } from '../fleet-context.js';
import { LOCAL_HOST } from '../local-daemon.js';
import { printJson, printLines } from '../output.js';
import { describeArchive } from '../archive/read-archive.js';

function parseAge(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || !Number.isFinite(ms)) throw new InvalidArgumentError('not a duration (write e.g. 7d, 12h, 90m)');
  return ms;
}

export function registerPruneCommand(program: Command): void {
  program
    .command('prune')
    .description('archive finished runs older than --older-than (default retention.runs), then remove them from Redis with their jobs')
    .option('--older-than <age>', 'finished at least this long ago (7d, 12h, 90m)', parseAge)
    .option('--dry-run', 'list what would be archived; change nothing')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nRuns still going and runs pinned by an unfinished eval are never pruned. Archives go to\n$AGENTFLEET_HOME/archive; fleet report RUN reads them.\n\nExamples:\n  fleet prune --dry-run\n  fleet prune --older-than 7d')
    .action(async (opts: { olderThan?: number; dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const fleet = await openFleet(cmd.optsWithGlobals<GlobalOptions>());
      try {
        const { store, config } = fleet;
        const result = await store.retention.sweep({
          olderThanMs: opts.olderThan ?? config.retention.runs,
          archiveDir: join(fleet.home, 'archive'),
          host: LOCAL_HOST,
          dryRun: opts.dryRun,
          deleteBranches: config.retention.branches ? deleteRemoteBranches : undefined,
        });
        if (opts.json) return printJson(result);
        const lines = opts.dryRun ? result.due.map((id) => `would archive ${id}`) : result.archived.map((a) => `archived ${describeArchive(a)}`);
        for (const k of result.kept) lines.push(`kept ${k.runId}: ${k.reason}`);
        for (const e of result.errors) lines.push(`not archived ${e.runId}: ${e.error}`);
        printLines(lines.length ? lines : ['nothing to prune']);
        if (result.errors.length) process.exitCode = 1;
      } finally {
        await fleet.close();
      }
    });
}
