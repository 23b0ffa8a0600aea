import type { Redis } from 'ioredis';
import type { Keys } from '../keys.js';
import type { RunArchives } from '../retention/archive-index.js';
import type { RunReader } from '../run-reader.js';
import type { RunWriter } from '../run-writer.js';
import { EvalReader } from './eval-reader.js';
import { EvalTicker } from './eval-ticker.js';
import { EvalWriter } from './eval-writer.js';

/**
 * Evals: a suite's cases run by each variant of a matrix as ordinary runs, scored by the
 * fleet's own checks. `write` creates, launches and stops them; `read` gives records, trials,
 * summaries and figures; `ticker` launches, records and settles (the reconciler's tick).
 */
export class Evals {
  readonly read: EvalReader;
  readonly write: EvalWriter;
  readonly ticker: EvalTicker;

  constructor(redis: Redis, keys: Keys, runs: { writer: RunWriter; reader: RunReader }, archives: RunArchives) {
    this.read = new EvalReader(redis, keys, runs.reader);
    this.write = new EvalWriter(redis, keys, runs.writer, this.read, archives);
    this.ticker = new EvalTicker(redis, keys, this.read, this.write);
  }
}
