// Evals across providers and agents, and evals that do not simply run to the end, on the local
// fleet with the model stand-ins as its providers: the provider dimension limits each variant's
// chain to its provider; the agent dimension runs the same case by llm and the real Gemini CLI;
// `--budget`
// stops the eval at its spend, its trials not run cancelled and left unattempted; `fleet eval
// cancel` stops one by hand; and an eval whose CLI died before launching a single trial is
// launched, recorded and settled by the daemon holding the reconciler lease.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvalId, planTrials, type EvalSummary } from '@agentfleet/core';
import { EVAL_CASES, hiddenTestOf, reply, requireBinaries, runFleet, sourceOf, waitFor, writeEvalSuite } from '@agentfleet/testkit';
import { answer, startEvalFleet, type EvalFleet } from './helpers/eval-fleet.js';

const ok = requireBinaries('redis-server', 'git', 'npm');
let f: EvalFleet;
let suite = '';

beforeAll(async () => {
  if (!ok) return;
  f = await startEvalFleet('eval-stop', { spare: [{ name: 'spare', low: 'spare-small', high: 'spare-large' }], gemini: true });
  f.standin.respondWith(answer(() => true));
  suite = writeEvalSuite(f.dir, f.repo, EVAL_CASES.filter((c) => ['sub', 'mul', 'max'].includes(c.id)), { name: 'three' });
}, 300_000);

afterAll(async () => {
  if (ok) await f.close();
}, 120_000);

const evalIdOf = (stdout: string) => (JSON.parse(stdout.slice(stdout.lastIndexOf('{'))) as { evalId: string }).evalId;

describe.runIf(ok)('fleet eval: providers, agents, budgets, cancel, and the daemon launching', () => {
  it('--matrix provider: each variant asks only its provider; --budget stops the eval at its spend, the trials not run cancelled, --watch exits 1', async () => {
    // a trial of the high tier costs (1000 x 1 + 500 x 4) / 1e6 = $0.003: the budget is spent after two
    const r = await runFleet(['eval', suite, '--matrix', 'tier=high', '--matrix', 'provider=standin,spare', '--budget', '0.005', '--watch', '--json'], { env: f.env, timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(1);
    const evalId = evalIdOf(r.stdout);
    const report = await f.reportOf(evalId);
    expect(report.eval).toMatchObject({ status: 'stopped', stopReason: 'budget', budgetUsd: 0.005 });
    expect(report.eval.costUsd).toBeGreaterThanOrEqual(0.005);
    expect(report.variants.map((v) => [v.name, v.provider])).toEqual([['high/standin', 'standin'], ['high/spare', 'spare']]);
    const ended = report.trials.filter((t) => t.status === 'solved');
    expect(ended.length).toBeGreaterThanOrEqual(2);
    for (const t of ended) {
      const provider = t.variant === 'high/spare' ? 'spare' : 'standin';
      expect([t.provider, t.model]).toEqual([provider, `${provider}-large`]);
    }
    const cancelled = report.trials.filter((t) => t.status === 'cancelled');
    expect(cancelled.length).toBeGreaterThanOrEqual(1);
    expect(ended.length + cancelled.length).toBe(6);
    for (const v of report.variants) expect(v.attempted + v.cancelled).toBe(3);
    // the stand-in saw each variant's model only through that variant's provider
    const models = new Set(f.standin.modelRequests.map((q) => q.body.model));
    expect([...models].sort()).toEqual(['spare-large', 'standin-large']);
    expect(await f.fleetOk(['eval', 'report', evalId])).toContain(`(stopped: budget)`);
  });

  it('--matrix agent=llm,gemini: the same case by two agent kinds (the real Gemini CLI against its API stand-in), scored alike', async () => {
    const sub = EVAL_CASES.find((c) => c.id === 'sub')!;
    const one = writeEvalSuite(f.dir, f.repo, [sub], { name: 'agents' });
    f.standin.respondWith(answer(() => true));
    // gemini writes the file with its shell tool, then says it is done
    const write = `mkdir -p src && printf '%s\\n' ${JSON.stringify(sourceOf(sub, true).trim())} > src/sub.js`;
    const answered = (body: Record<string, unknown>) => ((body.contents ?? []) as { parts?: Record<string, unknown>[] }[]).some((c) => c.parts?.some((p) => 'functionResponse' in p));
    f.gemini!.respondWith((req) => (answered(req.body) ? reply.text('Wrote src/sub.js.', { prompt: 800, completion: 20 }) : reply.tool('run_shell_command', { command: write, description: 'write it' }, { prompt: 1000, completion: 40 })));
    const evalId = evalIdOf(await f.fleetOk(['eval', one, '--matrix', 'agent=llm,gemini', '--watch', '--json']));
    const report = await f.reportOf(evalId);
    expect(report.variants.map((v) => [v.name, v.agent, v.solved, v.attempted]), JSON.stringify(report.trials.map((t) => t.error?.message))).toEqual([['llm', 'llm', 1, 1], ['gemini', 'gemini', 1, 1]]);
    const byGemini = report.trials.find((t) => t.variant === 'gemini')!;
    expect(byGemini).toMatchObject({ status: 'solved', provider: 'gem' });
    expect(byGemini.usage).toEqual({ input: 1800, cachedInput: 0, output: 60 });
    expect(byGemini.costUsd).toBeGreaterThan(0);
    expect(report.trials.find((t) => t.variant === 'llm')).toMatchObject({ status: 'solved', provider: 'standin' });
  });

  it('fleet eval cancel: its runs still going are cancelled, no further trial starts, and it settles stopped', async () => {
    // the model never answers: the trials run until the eval is cancelled
    f.standin.respondWith(() => ({ kind: 'hang' }));
    const evalId = evalIdOf(await f.fleetOk(['eval', suite, '--matrix', 'tier=low', '--json']));
    await waitFor('a trial to ask the model', () => f.standin.modelRequests.length > 0 || undefined, 60_000);
    const out = await f.fleetOk(['eval', 'cancel', evalId]);
    expect(out).toMatch(new RegExp(`^eval ${evalId} (stopped \\(cancelled\\): 3/3 trials ended|running: .* · stopping: cancelled)[^\\n]*\\n[1-3] runs cancelled\\n$`));
    const summary = await waitFor('the eval to settle', async () => {
      const list = JSON.parse(await f.fleetOk(['evals', '--json'])) as EvalSummary[];
      const e = list.find((x) => x.id === evalId)!;
      return e.status === 'stopped' ? e : undefined;
    }, 60_000, 250);
    expect(summary).toMatchObject({ stopReason: 'cancelled', trials: { total: 3, ended: 3, solved: 0 } });
  });

  it('an eval whose CLI died before launching anything: the daemon launches its trials, records them and settles it', async () => {
    f.standin.respondWith(answer((t) => t.taskId !== 'max'));
    const earlier = await f.store.evals.read.get((JSON.parse(await f.fleetOk(['evals', '--json'])) as EvalSummary[])[0]!.id);
    const id = makeEvalId(new Date());
    const variants = [{ name: 'high', agent: 'llm' as const, tier: 'high' as const }];
    const hidden = Object.fromEntries(EVAL_CASES.filter((c) => ['sub', 'mul', 'max'].includes(c.id)).map((c) => [c.id, [{ path: `test/${c.fn}.test.js`, data: Buffer.from(hiddenTestOf(c)).toString('base64'), mode: 0o644 }]]));
    // written as `fleet eval` writes it, and never launched: the CLI is gone
    await f.store.evals.write.create({ ...earlier, id, variants, trials: planTrials(id, earlier.cases.map((c) => c.id), variants, 1), budgetUsd: null, hidden });
    const settled = await waitFor('the daemon to finish the eval', async () => ((await f.store.evals.read.get(id)).status === 'finished' ? true : undefined), 120_000, 250);
    expect(settled).toBe(true);
    const report = await f.reportOf(id);
    expect(report.eval).toMatchObject({ status: 'finished', trials: { total: 3, ended: 3, solved: 2 } });
    expect(report.cases.map((c) => [c.id, c.solvedBy])).toEqual([['sub', ['high']], ['mul', ['high']], ['max', []]]);
    expect(await f.store.evals.read.hidden(id, 'sub')).toBeNull();
  });
});
