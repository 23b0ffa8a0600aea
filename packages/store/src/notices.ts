import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

/**
 * What people are told of (notifications, the console's activity list). The DAG scripts
 * append run_finished and task_failed in the same script as the change; the rest are
 * appended by whoever sees them happen.
 */
export type NoticeType = 'run_finished' | 'task_failed' | 'approval_needed' | 'budget_reached' | 'host_down' | 'provider_paused';

export interface Notice {
  /** the stream entry id: ordered, unique (`<ms>-<seq>`) */
  id: string;
  type: NoticeType;
  /** epoch ms */
  at: number;
  fields: Record<string, string>;
}

const KEPT = 10_000;

/** Moves a cursor forward only: a reader that lost its lease may write late. */
const ADVANCE = `local cur = redis.call('GET', KEYS[1])
if cur then
  local cm, cs = string.match(cur, '^(%d+)-(%d+)$')
  local nm, ns = string.match(ARGV[1], '^(%d+)-(%d+)$')
  if cm and nm and (tonumber(cm) > tonumber(nm) or (tonumber(cm) == tonumber(nm) and tonumber(cs) >= tonumber(ns))) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/** The fleet's notices: an append-only Redis stream, capped at about the last 10,000. */
export class Notices {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async record(type: NoticeType, fields: Record<string, string>): Promise<string> {
    const flat = Object.entries(fields).flat();
    return (await this.redis.xadd(this.keys.notices(), 'MAXLEN', '~', KEPT, '*', 'type', type, 'at', String(Date.now()), ...flat)) ?? '';
  }

  /** Notices after entry id `after` ('0' = from the oldest kept), oldest first. */
  async after(after: string, count = 100): Promise<Notice[]> {
    const rows = await this.redis.xrange(this.keys.notices(), `(${after}`, '+', 'COUNT', count);
    return rows.map(([id, flat]) => toNotice(id, flat));
  }

  /** Where a reader (a notify webhook) is: the id of the last notice it handled, or null before its first. */
  cursor(reader: string): Promise<string | null> {
    return this.redis.get(this.keys.noticeCursor(reader));
  }

  /** The reader has handled every notice up to `id` (never moves back). */
  async advance(reader: string, id: string): Promise<void> {
    await this.redis.eval(ADVANCE, 1, this.keys.noticeCursor(reader), id);
  }

  /** The last `count` notices, newest first. */
  async latest(count = 50): Promise<Notice[]> {
    const rows = await this.redis.xrevrange(this.keys.notices(), '+', '-', 'COUNT', count);
    return rows.map(([id, flat]) => toNotice(id, flat));
  }
}

function toNotice(id: string, flat: string[]): Notice {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  const { type = '', at = '0', ...rest } = fields;
  return { id, type: type as NoticeType, at: Number(at), fields: rest };
}
