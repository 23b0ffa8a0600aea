// `fleet logs RUN TASK`: an attempt's transcript from Redis (no SSH), or from the run's archive.
import type { Command } from 'commander';
import { InputError, isRunId } from '@agentfleet/core';
import { openFleet, type GlobalOptions } from '../fleet-context.js';
import { untilSignal } from '../signals.js';
import { showTranscript } from '../transcript/show-transcript.js';
import { archivedTranscript } from '../archive/read-archive.js';

export interface TranscriptLogOptions {
  attempt?: number;
  follow?: boolean;
  json?: boolean;
  full?: boolean;
  worker?: number;
}

export async function transcriptLogs(runId: string, taskId: string, opts: TranscriptLogOptions, cmd: Command): Promise<void> {
  if (!isRunId(runId)) throw new InputError(`fleet logs RUN TASK: '${runId}' is not a run id (such as r20261121-080000-ab12); fleet logs HOST shows a host's log`);
  if (opts.worker !== undefined) throw new InputError('fleet logs RUN TASK: --worker goes with fleet logs HOST');
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  const fleet = await openFleet(globals);
  const stop = untilSignal();
  try {
    if (!(await fleet.store.read.taskIds(runId)).length) {
      const archived = await archivedTranscript(fleet, runId, taskId, opts, globals.config);
      if (archived !== undefined) return void process.stdout.write(archived);
      await fleet.store.read.get(runId); // says there is no such run
    }
    await showTranscript(fleet.store, runId, taskId, { ...opts, signal: stop.signal });
  } finally {
    stop.dispose();
    await fleet.close();
  }
}
