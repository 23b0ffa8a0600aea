import { z } from 'zod';
import { parseDuration } from '../duration.js';

/** A duration in fleet.yaml (`30d`, `12h`, or seconds), in ms. */
function configDuration(fallback: string) {
  return z
    .union([z.string(), z.number()])
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
        ctx.issues.push({ code: 'custom', input: value, message: `'${String(value)}' is not a duration (write e.g. 30d, 12h, 90m)` });
        return z.NEVER;
      }
      return ms;
    });
}

/**
 * `retention:` (fleet-scoped; read by the daemons and `fleet prune`): finished runs older than
 * `runs` are archived and removed from Redis; hosts keep JSONL transcripts for `transcripts`;
 * result branches on the user's remote are deleted with the run only when `branches` is true.
 */
export const retentionSchema = z
  .strictObject({
    runs: configDuration('30d'),
    transcripts: configDuration('14d'),
    branches: z.boolean().default(false),
  })
  .prefault({});

export type RetentionConfig = z.output<typeof retentionSchema>;
