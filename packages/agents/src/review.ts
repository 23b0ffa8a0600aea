import { FleetError, roundUsd } from '@agentfleet/core';
import type { Agent, AgentResult, AgentRunRequest, Usage } from './types.js';
import { firstJsonObject } from './json-text.js';
import { addUsage, emptyUsage } from './usage.js';

export interface ReviewIssue {
  severity: string;
  file: string;
  note: string;
}

export interface ReviewVerdict {
  round: number;
  verdict: 'approve' | 'revise';
  issues: ReviewIssue[];
  /** The reviewer's raw answer when it was not a valid verdict. */
  invalid?: string;
  usage: Usage;
  costUsd: number;
}

export interface ReviewOptions {
  builder: Agent;
  reviewer: Agent;
  /** The builder's request; the reviewer gets the same workdir, budget share and signal. */
  request: AgentRunRequest;
  review: { prompt: string; rounds: number };
  /** The task's diff so far, as text (the workspace computes it). */
  getDiff: () => Promise<string>;
  /** Fail (exit 1) when the last round still asks for revisions; default true. */
  failUnapproved?: boolean;
}

export interface ReviewedResult {
  result: AgentResult;
  verdicts: ReviewVerdict[];
  approved: boolean;
}

const MAX_DIFF = 150_000;

function asIssue(v: unknown): ReviewIssue {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const s = (x: unknown, d: string) => (typeof x === 'string' ? x : x === undefined || x === null ? d : JSON.stringify(x));
  return { severity: s(o.severity, 'info'), file: s(o.file, ''), note: s(o.note ?? o.message ?? o.description, '') };
}

/** Reads a reviewer's answer; anything that is not a verdict counts as `revise`, with a note saying why. */
export function parseVerdict(text: string): Pick<ReviewVerdict, 'verdict' | 'issues' | 'invalid'> {
  const candidates = [text.trim(), text.replace(/^[\s\S]*?```(?:json)?\s*/i, '').replace(/```[\s\S]*$/, '').trim(), firstJsonObject(text) ?? ''];
  for (const c of candidates) {
    if (!c) continue;
    try {
      const v = JSON.parse(c) as { verdict?: unknown; issues?: unknown };
      const verdict = typeof v.verdict === 'string' ? v.verdict.toLowerCase().trim() : '';
      if (verdict !== 'approve' && verdict !== 'revise') continue;
      return { verdict, issues: Array.isArray(v.issues) ? v.issues.map(asIssue) : [] };
    } catch {
      // try the next reading
    }
  }
  return { verdict: 'revise', issues: [{ severity: 'error', file: '', note: 'the review answer was not a JSON verdict {"verdict": "approve"|"revise", "issues": [...]}' }], invalid: text.slice(0, 2000) };
}

export function reviewerPrompt(instructions: string, diff: string, task: AgentRunRequest['task']): string {
  const shown = diff.length > MAX_DIFF ? `${diff.slice(0, MAX_DIFF)}\n... (diff cut at ${MAX_DIFF} characters)` : diff;
  return `You review the change made for task '${task.taskId}': ${task.title}.
Task given to the builder:
${task.prompt ?? task.run ?? ''}

Review instructions:
${instructions}

The diff:
\`\`\`diff
${shown || '(no changes)'}
\`\`\`

Answer with only a JSON object: {"verdict": "approve" | "revise", "issues": [{"severity": "error" | "warning" | "info", "file": "path", "note": "what to change"}]}.`;
}

function revisionPrompt(original: string, v: ReviewVerdict): string {
  const list = v.issues.map((i) => `- [${i.severity}]${i.file ? ` ${i.file}:` : ''} ${i.note}`).join('\n');
  return `${original}\n\n## Review round ${v.round}: revise\nA reviewer read your change and asks for these revisions:\n${list || '- (no details given)'}\nAddress them; your previous changes are still in the workspace.`;
}

/**
 * Builder/auditor loop: the builder runs, the reviewer reads the diff and answers a verdict;
 * `revise` sends the builder again with the review appended, up to `rounds` reviews.
 * Usage and cost of every run (both agents) are summed into the result.
 */
export async function runWithReview(opts: ReviewOptions): Promise<ReviewedResult> {
  const { request, review } = opts;
  const rounds = Math.max(1, review.rounds);
  const verdicts: ReviewVerdict[] = [];
  // Every run adds to the request's meter; the result reports this review loop's part of it.
  let usage = emptyUsage();
  let costUsd = 0;
  const spend = (r: { usage: Usage; costUsd: number }) => {
    usage = addUsage(usage, r.usage);
    costUsd += r.costUsd;
  };
  const originalPrompt = request.task.prompt ?? '';
  let prompt = originalPrompt;
  let built: AgentResult | undefined;
  for (let round = 1; ; round++) {
    built = await opts.builder.run({ ...request, task: { ...request.task, prompt: prompt || request.task.prompt } });
    spend(built);
    if (built.exit !== 0) break;
    const diff = await opts.getDiff();
    request.onEvent({ type: 'step', step: 'review', status: 'started', detail: `round ${round} of ${rounds}` });
    const reviewed = await opts.reviewer.run({
      ...request,
      task: { ...request.task, prompt: reviewerPrompt(review.prompt, diff, request.task), run: undefined },
    });
    spend(reviewed);
    const verdict: ReviewVerdict = { round, ...parseVerdict(reviewed.summary), usage: reviewed.usage, costUsd: reviewed.costUsd };
    verdicts.push(verdict);
    request.onEvent({ type: 'step', step: 'review', status: verdict.verdict === 'approve' ? 'ok' : 'failed', detail: `round ${round}: ${verdict.verdict} (${verdict.issues.length} issues)` });
    if (verdict.verdict === 'approve' || round >= rounds) break;
    prompt = revisionPrompt(originalPrompt, verdict);
  }
  if (!built) throw new FleetError('internal', 'review loop ran no builder');
  const approved = verdicts.at(-1)?.verdict === 'approve';
  const failUnapproved = opts.failUnapproved ?? true;
  const result: AgentResult = { ...built, usage, costUsd: roundUsd(costUsd) };
  if (built.exit === 0 && !approved && failUnapproved) {
    result.exit = 1;
    result.summary = `review not approved after ${verdicts.length} round(s): ${verdicts.at(-1)?.issues.map((i) => i.note).join('; ') ?? ''}`;
  }
  return { result, verdicts, approved };
}
