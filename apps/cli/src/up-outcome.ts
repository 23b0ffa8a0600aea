// What `fleet up` did on one host (or the local fleet), and the line it prints for it.
import { restartHint } from './daemon-drift.js';

/** What `fleet up` did, and what the host's heartbeat says of its sandbox when there is something to say. */
export type UpOutcome = UpDone & { sandboxNotice?: string | null };

type UpDone =
  | { kind: 'started'; pid: number; slots: string; uploaded: boolean }
  /** Left alone; `drift` names what differs from what `fleet up` would start now. */
  | { kind: 'running'; pid: number; drift: string[] }
  /** `--restart`: the old daemon drained and the new one took over. */
  | { kind: 'restarted'; pid: number; replaced: number; uploaded: boolean }
  /** `--restart`, still draining when the wait ended: the new one takes over when it has. */
  | { kind: 'restarting'; pid: number; replaced: number };

export function upLine(name: string, o: UpOutcome, restartCommand: string): string {
  const line = doneLine(name, o, restartCommand);
  return o.sandboxNotice ? `${line}; ${o.sandboxNotice}` : line;
}

function doneLine(name: string, o: UpDone, restartCommand: string): string {
  if (o.kind === 'started') return `${name}: started (pid ${o.pid}, ${o.slots} slots${o.uploaded ? ', release uploaded' : ''})`;
  if (o.kind === 'running') return `${name}: already running (pid ${o.pid})${restartHint(o.drift, restartCommand)}`;
  if (o.kind === 'restarted') return `${name}: restarted (pid ${o.pid}${o.uploaded ? ', release uploaded' : ''}; pid ${o.replaced} drained first: its running tasks finished)`;
  return `${name}: restarting: pid ${o.replaced} drains (its running tasks finish first), then pid ${o.pid} takes over`;
}
