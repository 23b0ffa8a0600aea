import type { AttemptOwner, FleetStore, TaskContext } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import { TranscriptWriter } from './transcript-writer.js';
import type { TranscriptSettings } from './transcript-settings.js';

/** The attempt's transcript writer, its first entry written; undefined when transcripts are off. */
export function openTranscript(store: FleetStore, settings: TranscriptSettings | undefined, ctx: TaskContext, owner: AttemptOwner, secrets: readonly string[], log: () => Logger): TranscriptWriter | undefined {
  if (!settings?.enabled) return undefined;
  const writer = new TranscriptWriter({ transcripts: store.transcripts, ref: { runId: ctx.runId, taskId: ctx.taskId, attempt: owner.attempt }, settings, secrets, host: owner.host, log });
  writer.add({ type: 'step', step: 'attempt', status: 'started', detail: `attempt ${owner.attempt} of ${ctx.taskId} (${ctx.spec.agent}) on ${owner.worker}` });
  return writer;
}
