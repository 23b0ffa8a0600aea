import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TranscriptRef } from '@agentfleet/store';

/** <dir>/<run>/<task>.<attempt>.jsonl */
export function transcriptFile(dir: string, ref: TranscriptRef): string {
  return join(dir, ref.runId, `${ref.taskId}.${ref.attempt}.jsonl`);
}

/**
 * The janitor's part: removes the JSONL transcripts of runs not written for `olderThanMs`.
 * Returns the run directories removed.
 */
export function pruneTranscripts(dir: string, olderThanMs: number, now = Date.now()): string[] {
  const removed: string[] = [];
  let runs: string[];
  try {
    runs = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const run of runs) {
    const path = join(dir, run);
    try {
      const newest = Math.max(statSync(path).mtimeMs, ...readdirSync(path).map((f) => statSync(join(path, f)).mtimeMs));
      if (now - newest < olderThanMs) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(run);
    } catch {
      // gone meanwhile, or unreadable: the next round looks again
    }
  }
  return removed;
}
