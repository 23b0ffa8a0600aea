import type { Notice } from '@agentfleet/store';

/** A notice as people read it: one line of text, and the console page it is about (when monitor.publicUrl is set). */
export interface Message {
  text: string;
  url: string | null;
  /** ok, bad, wait, info: the formats pick an emoji or colour from it */
  tone: 'ok' | 'bad' | 'wait' | 'info';
}

/** What a notice's run is called, when the notifier could read it. */
export interface NoticeContext {
  runName?: string;
}

const iso = (ms: string | undefined) => (ms && Number(ms) > 0 ? new Date(Number(ms)).toISOString() : null);

/** The words of each notice type (notices.ts lists them); unknown types still say what they are. */
export function messageOf(n: Notice, publicUrl: string | null, ctx: NoticeContext = {}): Message {
  const f = n.fields;
  const run = f.runId ? `run ${f.runId}${ctx.runName ? ` (${ctx.runName})` : ''}` : '';
  const url = consoleUrl(publicUrl, n);
  switch (n.type) {
    case 'run_finished':
      return { text: `${run} ${f.status ?? 'finished'}`, url, tone: f.status === 'succeeded' ? 'ok' : 'bad' };
    case 'task_failed':
      return { text: `task ${f.taskId} of ${run} failed (${f.kind ?? 'error'}): ${firstLine(f.message)}`, url, tone: 'bad' };
    case 'approval_needed': {
      const until = iso(f.until);
      const parts = [`task ${f.taskId} of ${run} awaits approval: ${f.reason || 'approve?'}`, f.branch ? `branch ${f.branch}` : '', until ? `decided by its timeout at ${until}` : '', `fleet approve ${f.runId} ${f.taskId} (or fleet reject)`];
      return { text: parts.filter(Boolean).join(' · '), url, tone: 'wait' };
    }
    case 'budget_reached':
      return { text: `${run} reached its budget${f.budgetUsd ? ` of $${f.budgetUsd}` : ''}: model-backed tasks wait (fleet budget ${f.runId} --raise USD)`, url, tone: 'wait' };
    case 'host_down':
      return { text: `host ${f.host} is down: its heartbeat stopped`, url, tone: 'bad' };
    case 'provider_paused': {
      const until = iso(f.until);
      return { text: `provider ${f.provider} paused${until ? ` until ${until}` : ''}${f.reason ? `: ${f.reason}` : ''}`, url, tone: 'wait' };
    }
    default:
      return { text: `${n.type as string}: ${Object.entries(f).map(([k, v]) => `${k}=${v}`).join(' ')}`, url, tone: 'info' };
  }
}

/** The console page a notice is about: the task, the run, or the hosts. */
function consoleUrl(publicUrl: string | null, n: Notice): string | null {
  if (!publicUrl) return null;
  const base = publicUrl.replace(/\/+$/, '');
  const { runId, taskId } = n.fields;
  if (runId && taskId) return `${base}/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(taskId)}`;
  if (runId) return `${base}/runs/${encodeURIComponent(runId)}`;
  if (n.type === 'host_down') return `${base}/hosts`;
  return base;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!.slice(0, 300);
}
