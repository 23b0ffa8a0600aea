import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError, InputError, parsePlan } from '@agentfleet/core';
import { CooldownRegistry, createAgent, draftPlan, MemoryProviderPauses, parseVerdict, runWithReview, runWithStallWatch } from '@agentfleet/agents';
import { removeDir, reply, startStandin, tempDir, type OpenAIStandin } from '@agentfleet/testkit';
import { config, provider, request } from './helpers.js';

let standin: OpenAIStandin;
let dir: string;
beforeAll(async () => {
  standin = await startStandin();
  dir = tempDir('agents-srd');
});
afterAll(async () => {
  await standin.close();
  removeDir(dir);
});

/** The worktree scan a worker would do: any file modified since the given time. */
function changedSince(root: string) {
  return (since: number): Promise<boolean> => {
    const walk = (d: string): boolean =>
      readdirSync(d, { withFileTypes: true }).some((e) => {
        const p = join(d, e.name);
        return e.isDirectory() ? walk(p) : statSync(p).mtimeMs >= since;
      });
    return Promise.resolve(walk(root));
  };
}

describe('stall detection', () => {
  it('aborts an agent that shows no output and no file change with kind stalled', async () => {
    const h = request({ workdir: dir, task: { agent: 'shell', run: 'echo started; sleep 30' } });
    const err = (await runWithStallWatch(createAgent('shell'), h.req, { stallTimeoutMs: 300, changedSince: changedSince(dir) }).catch((e: unknown) => e)) as FleetError;
    expect(err).toBeInstanceOf(FleetError);
    expect(err.kind).toBe('stalled');
    expect(err.message).toMatch(/task 't1': no agent output and no file change/);
  });

  it('keeps an agent alive while it prints, and while it only changes files', async () => {
    const printing = request({ workdir: dir, task: { agent: 'shell', run: 'for i in 1 2 3 4 5 6 7 8; do echo tick; sleep 0.1; done' } });
    expect((await runWithStallWatch(createAgent('shell'), printing.req, { stallTimeoutMs: 250, changedSince: () => Promise.resolve(false) })).exit).toBe(0);
    const sub = join(dir, 'quiet');
    const writing = request({ workdir: dir, task: { agent: 'shell', run: `mkdir -p ${sub}; for i in 1 2 3 4 5 6 7 8; do echo $i > ${sub}/f; sleep 0.1; done` } });
    expect((await runWithStallWatch(createAgent('shell'), writing.req, { stallTimeoutMs: 250, changedSince: changedSince(dir) })).exit).toBe(0);
  });
  it('aborts the llm agent mid-request when its provider goes silent for the stall timeout', async () => {
    standin.reset();
    standin.enqueue(reply.hang());
    const h = request({ workdir: dir, config: config({ providers: [provider('slow', standin.url, { timeoutMs: 60_000 })] }), task: { prompt: 'x' } });
    const agent = createAgent('llm', { cooldowns: new CooldownRegistry() });
    const err = (await runWithStallWatch(agent, h.req, { stallTimeoutMs: 300, changedSince: () => Promise.resolve(false) }).catch((e: unknown) => e)) as FleetError;
    expect(err.kind).toBe('stalled');
  });
});

describe('review gate', () => {
  it('runs the builder, gets revise, runs it again with the review, then approve', async () => {
    standin.reset();
    standin.enqueue(
      // builder, round 1
      reply.tool('write_file', { path: 'calc.js', content: 'export const add = (a, b) => a - b;\n' }, { prompt: 100, completion: 20 }),
      reply.tool('finish', { summary: 'added calc.js' }, { prompt: 120, completion: 5 }),
      // reviewer, round 1 (wrapped in prose and a fence, as models do)
      reply.text('Here is my review:\n```json\n{"verdict":"revise","issues":[{"severity":"error","file":"calc.js","note":"add subtracts"}]}\n```', { prompt: 300, completion: 30 }),
      // builder, round 2
      reply.tool('write_file', { path: 'calc.js', content: 'export const add = (a, b) => a + b;\n' }, { prompt: 150, completion: 20 }),
      reply.tool('finish', { summary: 'fixed add' }, { prompt: 160, completion: 5 }),
      // reviewer, round 2
      reply.text('{"verdict":"approve","issues":[]}', { prompt: 310, completion: 10 }),
    );
    const cfg = config({ providers: [provider('local', standin.url)] });
    const h = request({ workdir: dir, config: cfg, task: { prompt: 'Write calc.js exporting add(a, b).' } });
    const agent = createAgent('llm', { cooldowns: new CooldownRegistry() });
    const reviewed = await runWithReview({
      builder: agent,
      reviewer: agent,
      request: h.req,
      review: { prompt: 'Check correctness.', rounds: 3 },
      getDiff: () => Promise.resolve(`+++ b/calc.js\n+${'x'}`),
    });
    expect(reviewed.approved).toBe(true);
    expect(reviewed.verdicts.map((v) => v.verdict)).toEqual(['revise', 'approve']);
    expect(reviewed.verdicts[0]!.issues).toEqual([{ severity: 'error', file: 'calc.js', note: 'add subtracts' }]);
    expect(reviewed.result.exit).toBe(0);
    expect(reviewed.result.summary).toBe('fixed add');
    expect(reviewed.result.usage).toEqual({ input: 1140, cachedInput: 0, output: 90 });
    // the second builder run was told what the reviewer wants
    const secondBuild = standin.modelRequests[3]!.body.messages as { role: string; content: string }[];
    expect(secondBuild[1]!.content).toMatch(/Review round 1: revise[\s\S]*\[error\] calc.js: add subtracts/);
    // the reviewer saw the diff and the JSON contract
    const review = standin.modelRequests[2]!.body.messages as { role: string; content: string }[];
    expect(review[1]!.content).toContain('+++ b/calc.js');
    expect(review[1]!.content).toContain('"verdict": "approve" | "revise"');
  });

  it('an invalid review answer counts as revise; unapproved after the last round fails the task', async () => {
    expect(parseVerdict('looks fine to me')).toMatchObject({ verdict: 'revise', invalid: 'looks fine to me' });
    expect(parseVerdict('{"verdict":"APPROVE"}')).toEqual({ verdict: 'approve', issues: [] });
    standin.reset();
    standin.enqueue(reply.tool('finish', { summary: 'done' }), reply.text('I think it is OK'));
    const h = request({ workdir: dir, config: config({ providers: [provider('local', standin.url)] }), task: { prompt: 'x' } });
    const agent = createAgent('llm', { cooldowns: new CooldownRegistry() });
    const reviewed = await runWithReview({ builder: agent, reviewer: agent, request: h.req, review: { prompt: 'p', rounds: 1 }, getDiff: () => Promise.resolve('') });
    expect(reviewed.approved).toBe(false);
    expect(reviewed.verdicts[0]!.issues[0]!.note).toMatch(/not a JSON verdict/);
    expect(reviewed.result.exit).toBe(1);
    expect(reviewed.result.summary).toMatch(/review not approved after 1 round/);
  });
});

describe('plan drafting', () => {
  const issue = '# Add a health endpoint\nThe server needs GET /healthz returning 200, with a test.';

  it('drafts a plan with structured output, sends validation problems back, and returns the corrected plan', async () => {
    standin.reset();
    const bad = { name: 'healthz', tasks: [{ id: 'impl', title: 'Implement /healthz', agent: 'codex', prompt: 'Add GET /healthz', run: null, deps: ['design'], complexity: 'low', risk: [], estimate: '15m' }] };
    const good = {
      name: 'healthz',
      tasks: [
        { id: 'impl', title: 'Implement /healthz', agent: 'codex', prompt: 'Add GET /healthz returning 200', run: null, deps: [], complexity: 'low', risk: [], estimate: '15m' },
        { id: 'test', title: 'Run the tests', agent: 'shell', prompt: null, run: 'npm test', deps: ['impl'], complexity: 'low', risk: [], estimate: '5m' },
      ],
    };
    standin.enqueue(reply.text(JSON.stringify(bad), { prompt: 500, completion: 100 }), reply.text(JSON.stringify(good), { prompt: 700, completion: 150 }));
    const seen: string[] = [];
    const validate = (yamlText: string): string[] => {
      seen.push(yamlText);
      const plan = parse(yamlText) as { tasks: { id: string; deps?: string[] }[] };
      const ids = new Set(plan.tasks.map((t) => t.id));
      return plan.tasks.flatMap((t) => (t.deps ?? []).filter((d) => !ids.has(d)).map((d) => `task '${t.id}': unknown dependency '${d}'`));
    };
    const cfg = config({ providers: [provider('local', standin.url)], pricing: { 'standin-large': { input: 1, output: 4 } } });
    const result = await draftPlan({ issueText: issue, config: cfg, pauses: new MemoryProviderPauses(), validate });

    expect(result.attempts).toBe(2);
    expect(result.rejected).toEqual([["task 'impl': unknown dependency 'design'"]]);
    expect(result).toMatchObject({ provider: 'local', model: 'standin-large', usage: { input: 1200, cachedInput: 0, output: 250 } });
    expect(result.costUsd).toBeCloseTo((1200 + 250 * 4) / 1e6, 12);
    expect(parse(result.yaml)).toEqual({
      name: 'healthz',
      tasks: [
        { id: 'impl', title: 'Implement /healthz', agent: 'codex', prompt: 'Add GET /healthz returning 200', complexity: 'low', estimate: '15m' },
        { id: 'test', title: 'Run the tests', agent: 'shell', deps: ['impl'], run: 'npm test', complexity: 'low', estimate: '5m' },
      ],
    });
    expect(seen).toHaveLength(2);
    // the schema went out as structured output; the correction round carried the problems
    const first = standin.modelRequests[0]!.body;
    expect((first.response_format as { type: string; json_schema: { strict: boolean } }).type).toBe('json_schema');
    expect((first.response_format as { json_schema: { strict: boolean } }).json_schema.strict).toBe(true);
    const second = standin.modelRequests[1]!.body.messages as { role: string; content: string }[];
    expect(second.at(-1)!.content).toMatch(/The plan is invalid:\n- task 'impl': unknown dependency 'design'/);
    // and the YAML is a plan the real plan parser accepts
    expect(parsePlan(result.yaml, 'draft.yaml').tasks.map((t) => t.id)).toEqual(['impl', 'test']);
  });

  it('gives up after three invalid attempts, with every problem list', async () => {
    standin.reset();
    standin.enqueue(reply.text('not json'), reply.text('{"name":"x","tasks":[]}'), reply.text('{"name":"x","tasks":[]}'));
    const validate = (y: string) => {
      try {
        parsePlan(y, 'draft.yaml');
        return [];
      } catch (e) {
        return e instanceof InputError ? e.problems.map((p) => p.message) : [String(e)];
      }
    };
    const err = (await draftPlan({ issueText: issue, config: config({ providers: [provider('local', standin.url)] }), pauses: new MemoryProviderPauses(), validate }).catch((e: unknown) => e)) as FleetError;
    expect(err.kind).toBe('agent_error');
    expect(err.message).toMatch(/still invalid after 3 attempts/);
    const rejected = err.details.rejected as string[][];
    expect(rejected).toHaveLength(3);
    expect(rejected[0]![0]).toMatch(/not the JSON plan object/);
    expect(rejected[1]!.join()).toMatch(/no tasks/);
  });
});

