import type { TaskReport } from '@agentfleet/store';
import type { ResultDiff } from '@agentfleet/workspace';
import { actionForm, esc, page, usd } from '../html.js';

export interface TaskPageData {
  runId: string;
  task: TaskReport;
  /** the attempts that have a transcript, and the one shown */
  attempts: number[];
  attempt: number | undefined;
  /** the shown attempt's entries, as HTML lines, and the stream id to follow on from */
  transcript: string[];
  after: string;
  /** the attempt is still being written */
  live: boolean;
  diff: ResultDiff | { error: string } | null;
}

function historyTable(t: TaskReport): string {
  if (!t.history.length) return '<p class="muted">no attempt has ended yet</p>';
  const rows = t.history.map((h) => `<tr><td>${h.attempt}</td><td>${esc(h.worker || h.host)}</td><td><span class="badge s-${esc(h.status)}">${esc(h.status)}</span></td><td>${esc(h.startedAt)}</td><td>${esc(h.finishedAt)}</td><td>${h.usage.input}/${h.usage.output}</td><td>${usd(h.costUsd)}</td><td>${esc(h.error ? `${h.error.kind}: ${h.error.message}` : '')}</td></tr>`);
  return `<table><thead><tr><th>#</th><th>worker</th><th>status</th><th>started</th><th>finished</th><th>tokens in/out</th><th>cost</th><th>error</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function checksTable(t: TaskReport): string {
  const rounds = t.history.flatMap((h) => h.rounds.map((r) => ({ attempt: h.attempt, ...r })));
  if (!rounds.length) return '<p class="muted">no checks ran</p>';
  return `<table><thead><tr><th>attempt</th><th>round</th><th>check</th><th>exit</th><th>took</th></tr></thead><tbody>${rounds.map((r) => `<tr><td>${r.attempt}</td><td>${r.round}</td><td><code>${esc(r.check)}</code></td><td>${r.exitCode}</td><td>${(r.durationMs / 1000).toFixed(1)}s</td></tr>`).join('')}</tbody></table>`;
}

function diffHtml(d: TaskPageData['diff'], t: TaskReport): string {
  if (!d) return `<p class="muted">${t.branch ? 'no result commit yet' : 'no result branch (the task has not published one)'}</p>`;
  if ('error' in d) return `<p class="bad">cannot show the diff: ${esc(d.error)}</p>`;
  const files = d.files.map((f) => `<tr><td><code>${esc(f.path)}</code></td><td class="good">+${f.insertions}</td><td class="bad">-${f.deletions}</td></tr>`).join('');
  const lines = d.patch.split('\n').map((l) => `<span class="${l.startsWith('+') && !l.startsWith('+++') ? 'add' : l.startsWith('-') && !l.startsWith('---') ? 'del' : l.startsWith('@@') ? 'hunk' : ''}">${esc(l)}</span>`).join('\n');
  return `<table class="files"><thead><tr><th>file</th><th>+</th><th>-</th></tr></thead><tbody>${files}</tbody></table><pre class="diff" id="diff">${lines}${d.truncated ? '\n… (diff cut)' : ''}</pre>`;
}

/** A gate's question and its decision, or the forms that make it while it waits. */
function approvalHtml(runId: string, t: TaskReport, csrf: string | null): string {
  const a = t.approval;
  if (a) return `<h2>Approval</h2><p id="approval">${a.decision === 'approve' ? 'approved' : 'rejected'} by ${esc(a.timedOut ? 'its timeout' : a.by)} at ${esc(a.at)}${a.note ? `: ${esc(a.note)}` : ''}</p>`;
  if (t.status !== 'awaiting_approval') return '';
  const note = '<input type="text" name="note" placeholder="note (optional)" maxlength="2000">';
  return `<h2>Approval</h2><p id="approval">awaits approval${t.branch ? ` of <code>${esc(t.branch)}</code>` : ''}</p><section class="actions">${actionForm('approve', 'Approve', { run: runId, task: t.id }, csrf, note)}${actionForm('reject', 'Reject', { run: runId, task: t.id }, csrf, note)}</section>`;
}

/** `/runs/RUN/tasks/TASK`: the live transcript, the result's diff, attempts, checks, usage and cost. */
export function taskPage(d: TaskPageData, csrf: string | null): string {
  const t = d.task;
  const tabs = d.attempts.map((a) => (a === d.attempt ? `<b>attempt ${a}</b>` : `<a href="?attempt=${a}">attempt ${a}</a>`)).join(' · ');
  const body = `<p><a href="/runs/${esc(d.runId)}">← run ${esc(d.runId)}</a></p>
<h1>Task <code>${esc(t.id)}</code> — ${esc(t.title)} <span class="badge s-${esc(t.status)}" id="task-status">${esc(t.status)}</span></h1>
<p>${esc(t.agent)}${t.model ? ` · ${esc(t.model)}` : ''}${t.provider ? ` @ ${esc(t.provider)}` : ''} · attempts ${t.attempts} · tokens in ${t.usage.input} (cached ${t.usage.cachedInput}) out ${t.usage.output} · cost ${usd(t.costUsd)}${t.branch ? ` · branch <code>${esc(t.branch)}</code>${t.commit ? ` @ ${esc(t.commit.slice(0, 12))}` : ''}` : ''}</p>
${t.error ? `<p class="bad">${esc(t.error.kind)}: ${esc(t.error.message)}</p>` : ''}${approvalHtml(d.runId, t, csrf)}${t.summary ? `<h2>Final message</h2><pre class="summary">${esc(t.summary)}</pre>` : ''}
<h2>Transcript</h2><p>${tabs || '<span class="muted">no attempt yet</span>'} ${d.live ? '<span class="badge s-running" id="live">live</span>' : ''}</p>
<div class="transcript" id="transcript">${d.transcript.join('')}</div>
<h2>Diff</h2>${diffHtml(d.diff, t)}
<h2>Attempts</h2>${historyTable(t)}
<h2>Checks</h2>${checksTable(t)}`;
  const live = d.live && d.attempt !== undefined ? `/runs/${d.runId}/tasks/${t.id}/live?attempt=${d.attempt}&after=${encodeURIComponent(d.after)}` : undefined;
  return page({ title: `${t.id} · ${d.runId}`, csrf, live, data: { page: 'task' } }, body);
}
