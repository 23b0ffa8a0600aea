// The merge queue: a task of the run that starts once the others have ended, merges every
// succeeded result in topological order into one branch, runs integrate.check after each merge,
// and leaves out what conflicts or fails it; a resolver agent (the stand-in model) resolves a
// conflict. Real repositories, host daemon, Redis and git; the only stand-in is the model.
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeRunId, MERGE_QUEUE_TASK_ID, parsePlan } from '@agentfleet/core';
import type { FleetStore, RunReport } from '@agentfleet/store';
import { initRepository, showFile } from '@agentfleet/workspace';
import { ensureBuilt, g, removeDir, reply, requireBinaries, runEnded, startModelFleet, tempDir, type ModelFleet, type OpenAIStandin } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');

let fleet: ModelFleet;
let standin: OpenAIStandin;
let store: FleetStore;
let repo: string;
let base: string;

/** The project's own check: no poison, no conflict marker left in greeting.txt. */
const CHECK_JS = `const fs = require('fs');
if (fs.existsSync('poison.txt')) { console.error('poison.txt must not exist'); process.exit(1); }
if (/^(<<<<<<<|>>>>>>>)/m.test(fs.readFileSync('greeting.txt', 'utf8'))) { console.error('conflict markers in greeting.txt'); process.exit(2); }
`;

async function submit(yaml: string): Promise<string> {
  const plan = parsePlan(yaml, 'plan.yaml');
  const runId = makeRunId(new Date());
  await store.runs.submit(plan, { runId, schedule: 'deps', failFast: false, baseCommit: base, config: fleet.runConfig(), integrate: plan.integrate?.branch });
  return runId;
}

async function report(runId: string): Promise<RunReport> {
  await runEnded(store, runId, 90_000);
  return store.read.report(runId);
}

const outcomes = (r: RunReport) => r.integration?.results?.map((e) => [e.taskId, e.outcome, ...(e.noop ? ['noop'] : []), ...(e.paths ?? [])]);
const conflicting = (integrate: string) => `name: conflict
repo: { url: REPO }
integrate: ${integrate}
defaults: { agent: shell }
tasks:
  - id: left
    run: echo "hello from left" > greeting.txt
  - id: right
    run: echo "hello from right" > greeting.txt
`;

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  fleet = await startModelFleet('merge-queue', inject('redisUrl'));
  ({ standin, store } = fleet);
  repo = join(tempDir('mq-repo'), 'origin');
  base = await initRepository(repo, { 'README.md': 'base\n', 'greeting.txt': 'hello\n', 'check.js': CHECK_JS });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await fleet.stop();
  removeDir(dirname(repo));
});

describe.runIf(ok)('the merge queue', () => {
  it('merges a diamond in topological order after every task ended (a failed one too), a contained result is a no-op, a result that fails the check is left out; fleet retry runs the queue again', async () => {
    const runId = await submit(`name: diamond
repo: { url: ${repo} }
integrate: { branch: int/diamond, check: node check.js }
defaults: { agent: shell, retries: 0 }
tasks:
  - id: a
    run: echo a > a.txt
  - id: b
    deps: [a]
    run: echo b > b.txt
  - id: c
    deps: [a]
    run: echo c > c.txt && echo more >> README.md
  - id: d
    deps: [b, c]
    run: cat a.txt b.txt c.txt > d.txt
  - id: same
    deps: [a]
    run: "true"
  - id: poison
    deps: [a]
    run: echo no > poison.txt
  - id: broken
    run: exit 3
`);
    const r = await report(runId);
    expect(r.run.status).toBe('failed'); // broken failed; the merge queue ran all the same
    const queue = r.tasks.find((t) => t.id === MERGE_QUEUE_TASK_ID)!;
    expect(queue).toMatchObject({ status: 'succeeded', branch: 'int/diamond' });
    expect(Date.parse(queue.startedAt!)).toBeGreaterThanOrEqual(Math.max(...r.tasks.filter((t) => t.id !== MERGE_QUEUE_TASK_ID).map((t) => Date.parse(t.finishedAt!))));
    expect(outcomes(r)).toEqual([['a', 'merged'], ['b', 'merged'], ['c', 'merged'], ['poison', 'check_failed'], ['same', 'merged', 'noop'], ['d', 'merged']]);
    const poison = r.integration!.results!.find((e) => e.taskId === 'poison')!;
    expect(poison).toMatchObject({ check: 'node check.js', exitCode: 1, outputTail: 'poison.txt must not exist\n' });
    expect(queue.history[0]!.rounds.map((x) => [x.round, x.exitCode])).toEqual([[1, 0], [2, 0], [3, 0], [4, 1], [6, 0]]);
    expect(await showFile(repo, 'int/diamond', 'd.txt')).toBe('a\nb\nc\n');
    expect(await showFile(repo, 'int/diamond', 'poison.txt')).toBeNull();
    expect(g(repo, 'rev-parse', 'int/diamond')).toBe(queue.commit);

    const md = await fleet.cli(['report', runId]);
    expect(md).toContain('## Merge queue');
    expect(md).toMatch(/1\. a: merged\n2\. b: merged\n3\. c: merged\n4\. poison: check failed: `node check\.js` exit 1 — poison\.txt must not exist, left out\n5\. same: merged \(already contained: no-op\)\n6\. d: merged/);

    // Whatever re-runs, the merge queue runs again after it; the branch holds every result already.
    const retried = await fleet.cli(['retry', runId]);
    expect(retried).toMatch(/re-queued 2 tasks of .*: broken, merge-queue/);
    const again = await report(runId);
    expect(again.tasks.find((t) => t.id === MERGE_QUEUE_TASK_ID)!.history.map((h) => h.status)).toEqual(['succeeded', 'succeeded']);
    expect(outcomes(again)!.filter(([, o]) => o === 'merged').every((e) => e[2] === 'noop')).toBe(true);
    expect(g(repo, 'rev-parse', 'int/diamond')).toBe(queue.commit);
  });

  it('a conflict goes to the resolver agent (the stand-in), whose resolution must pass the check; the report says resolved by agent', async () => {
    standin.reset();
    standin.enqueue(reply.tool('write_file', { path: 'greeting.txt', content: 'hello from left and right\n' }), reply.tool('finish', { summary: 'kept both greetings' }));
    const r = await report(await submit(conflicting('{ branch: int/resolved, check: node check.js, resolver: llm }').replace('REPO', repo)));
    expect(r.run.status).toBe('succeeded');
    expect(outcomes(r)).toEqual([['left', 'merged'], ['right', 'resolved', 'greeting.txt']]);
    expect(await showFile(repo, 'int/resolved', 'greeting.txt')).toBe('hello from left and right\n');
    expect(g(repo, 'rev-list', '--parents', '-1', 'int/resolved').split(' ')).toHaveLength(3); // the merge commit
    const prompt = JSON.stringify(standin.modelRequests[0]!.body.messages);
    expect(prompt).toContain("merging the result of task 'right'");
    expect(prompt).toContain('- greeting.txt');
    const queue = r.tasks.find((t) => t.id === MERGE_QUEUE_TASK_ID)!;
    expect(queue.agent).toBe('llm');
    expect(queue.usage).toEqual({ input: 20, cachedInput: 0, output: 10 }); // the resolver's spend is the queue's
    expect(await fleet.cli(['report', r.run.id])).toContain('2. right: resolved by agent (greeting.txt)');
  });

  it('without a resolver the conflicting result is left out and its paths are named', async () => {
    const r = await report(await submit(conflicting('{ branch: int/plain, check: node check.js }').replace('REPO', repo)));
    expect(outcomes(r)).toEqual([['left', 'merged'], ['right', 'conflict', 'greeting.txt']]);
    expect(r.integration!.conflicts).toEqual([{ taskId: 'right', paths: ['greeting.txt'] }]);
    expect(await showFile(repo, 'int/plain', 'greeting.txt')).toBe('hello from left\n');
    expect(r.tasks.find((t) => t.id === MERGE_QUEUE_TASK_ID)!.summary).toBe('merged 1 of 2 results into int/plain; left out: right (conflict in greeting.txt)');
    expect(await fleet.cli(['report', r.run.id])).toContain('2. right: conflict (greeting.txt), left out');
  });
});
