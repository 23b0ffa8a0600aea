// `fleet eval` end to end: a suite of six cases on a real npm repository whose hidden tests
// decide each case (`npm test`), run by two variants (tier low and high) on the local fleet,
// each trial an ordinary run; the only stand-in is the model, scripted so that the low model
// solves cases 1-3 and the high one cases 1-5. The CLI is killed mid-eval and nothing is lost;
// the hidden tests are never in the workspace while the agent runs nor in a result branch;
// --repeat gives pass@k and flaky cases; --baseline flags a regression beyond the noise.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport, VariantScore } from '@agentfleet/core';
import { mirrorKey } from '@agentfleet/workspace';
import { cliBin, EVAL_CASES, g, MonitorProcess, parseExposition, parseSamples, promtool, requireBinaries, waitFor, writeEvalSuite, type ConversationTurn } from '@agentfleet/testkit';
import { answer, startEvalFleet, type EvalFleet } from './helpers/eval-fleet.js';

const ok = requireBinaries('redis-server', 'git', 'npm');
let f: EvalFleet;
const variant = (r: EvalReport, name: string): VariantScore => r.variants.find((v) => v.name === name)!;
const round4 = (x: number | null | undefined) => (x === null || x === undefined ? x : Number(x.toFixed(4)));

beforeAll(async () => {
  if (ok) f = await startEvalFleet('eval-e2e');
}, 300_000);

afterAll(async () => {
  if (ok) await f.close();
}, 120_000);

describe.runIf(ok)('fleet eval: six cases, two tiers, the fleet\'s own checks', () => {
  let evalId = '';

  it('scores the variants number by number (solved, pass rates with Wilson intervals, cost per solved case from the prices); killing the CLI mid-eval loses nothing', async () => {
    f.standin.respondWith(answer((t, i) => (t.model === 'standin-small' ? i <= 3 : i <= 5)));
    const suite = writeEvalSuite(f.dir, f.repo, EVAL_CASES, { name: 'six' });
    const cli = spawn(process.execPath, [cliBin, 'eval', suite, '--matrix', 'tier=low,high', '--watch'], { env: f.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    cli.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => cli.once('exit', (_code, signal) => resolve(signal)));
    evalId = await waitFor('the eval to be submitted', () => /eval (e\S+) submitted: 12 runs \(6 cases × 2 variants × 1\)/.exec(stderr)?.[1], 60_000);
    const endedAtKill = await waitFor('a first trial to end', async () => {
      const e = await f.store.evals.read.get(evalId);
      const ended = (await f.store.evals.read.trials(e)).filter((t) => t.status !== 'pending').length;
      return ended >= 1 ? ended : undefined;
    }, 120_000, 100);
    cli.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(endedAtKill).toBeLessThan(12);

    // the daemon holding the reconciler lease records the rest and settles the eval, without the CLI
    await waitFor('the eval to finish without the CLI', async () => (await f.store.evals.read.get(evalId)).status === 'finished' || undefined, 180_000, 250);
    const listed = JSON.parse(await f.fleetOk(['evals', '--json'])) as { id: string; status: string; trials: { total: number; ended: number; solved: number } }[];
    expect(listed.find((e) => e.id === evalId)).toMatchObject({ status: 'finished', trials: { total: 12, ended: 12, solved: 8 } });

    const report = await f.reportOf(evalId);
    expect(report.eval).toMatchObject({ id: evalId, name: 'six', status: 'finished', repeat: 1, trials: { total: 12, ended: 12, solved: 8 } });
    const low = variant(report, 'low');
    const high = variant(report, 'high');
    expect(low).toMatchObject({ agent: 'llm', tier: 'low', provider: null, trials: 6, attempted: 6, solved: 3, cases: 6, casesSolved: 3, failures: { check_failed: 3 } });
    expect(high).toMatchObject({ agent: 'llm', tier: 'high', provider: null, trials: 6, attempted: 6, solved: 5, cases: 6, casesSolved: 5, failures: { check_failed: 1 } });
    expect([low.passRate, round4(low.interval!.low), round4(low.interval!.high)]).toEqual([0.5, 0.1876, 0.8124]);
    expect([round4(high.passRate), round4(high.interval!.low), round4(high.interval!.high)]).toEqual([0.8333, 0.4365, 0.9699]);
    // 7 model calls a variant (case add takes two) of 1000 tokens in and 500 out:
    // low 7 x (1000 x 0.10 + 500 x 0.50) / 1e6 = $0.00245, high 7 x (1000 x 1 + 500 x 4) / 1e6 = $0.021
    expect(low.usage).toEqual({ input: 7000, cachedInput: 0, output: 3500 });
    expect(low.costUsd).toBe(0.00245);
    expect(low.costPerSolvedUsd).toBe(0.000816667);
    expect(high.costUsd).toBe(0.021);
    expect(high.costPerSolvedUsd).toBe(0.0042);
    expect(high.costPerSolvedCaseUsd).toBe(0.0042);
    expect(low.wallMs.median).toBeGreaterThan(0);
    expect(report.cases.map((c) => [c.id, c.solvedBy, c.flaky])).toEqual([
      ['add', ['low', 'high'], false], ['sub', ['low', 'high'], false], ['mul', ['low', 'high'], false],
      ['max', ['high'], false], ['clamp', ['high'], false], ['reverse', [], false],
    ]);
    const unsolved = report.trials.find((t) => t.caseId === 'reverse' && t.variant === 'high')!;
    expect(unsolved).toMatchObject({ status: 'unsolved', error: { kind: 'check_failed' }, attempts: 1, model: 'standin-large' });

    const md = await f.fleetOk(['eval', 'report', evalId]);
    expect(md).toContain(`# Eval ${evalId} — six (finished)`);
    expect(md).toMatch(/\| low \| 3\/6 \| 50\.0% \(18\.8%–81\.2%\) \| - \| [\d.]+s \/ [\d.]+s \| 7000 \/ 3500 \| \$0\.0024 \| \$0\.0008 \| check_failed 3 \|/);
    expect(md).toMatch(/\| high \| 5\/6 \| 83\.3% \(43\.6%–97\.0%\) \|/);
    expect(md).toContain('| reverse | 0/1 | 0/1 | solved by none |');
    const csv = (await f.fleetOk(['eval', 'report', evalId, '--format', 'csv'])).trim().split('\n');
    expect(csv[0]).toBe('variant,agent,tier,provider,trials,attempted,solved,pass_rate,ci_low,ci_high,pass_at_1,median_wall_ms,p90_wall_ms,tokens_in,tokens_cached_in,tokens_out,cost_usd,cost_per_solved_usd,cost_per_solved_case_usd,failures');
    expect(csv[2]).toMatch(/^high,llm,high,,6,6,5,0\.8333333333333334,0\.43\d+,0\.96\d+,0\.8333333333333334,\d+,\d+,7000,0,3500,0\.021,0\.0042,0\.0042,check_failed:1$/);
  });

  it('a hidden test: absent while the agent runs (its read fails, its write is overwritten), present for the check, absent from the result branch', async () => {
    const report = await f.reportOf(evalId);
    const trial = report.trials.find((t) => t.caseId === 'add' && t.variant === 'low')!;
    // the agent asked for the hidden test and was told it is not there
    const second = f.standin.modelRequests.map((r) => JSON.stringify(r.body.messages)).filter((m) => m.includes("Task 'add'") && m.includes('"role":"tool"'));
    expect(second.length).toBe(2);
    for (const m of second) {
      expect(m).toContain("'test/add.test.js' does not exist");
      expect(m).not.toContain('hidden: add works');
    }
    // the check ran the hidden test, not the agent's fake one
    const transcript = (await f.store.transcripts.read({ runId: trial.runId, taskId: 'add', attempt: 1 })).map((s) => s.entry);
    const output = transcript.filter((e) => e.type === 'output').map((e) => (e as { text: string }).text).join('');
    expect(output).toContain('hidden: add works');
    expect(output).not.toContain('fake: always passes');
    expect(transcript.filter((e) => e.type === 'step' && e.step === 'hidden files').map((e) => (e as { detail?: string }).detail)).toEqual(['1 placed for the checks', 'removed: the workspace is as the agent left it']);
    // the result went to this host's scratch repository, without the hidden test or the agent's version of it
    const scratch = join(f.home, 'eval-results', `${mirrorKey(f.repo)}.git`);
    const files = g(scratch, 'ls-tree', '-r', '--name-only', `fleet/${trial.runId}/add`).split('\n');
    expect(files).toContain('src/add.js');
    expect(files).not.toContain('test/add.test.js');
    expect(g(scratch, 'show', `fleet/${trial.runId}/add:src/add.js`)).toBe('export const add = (a, b) => a + b;');
    // and nothing reached the team's repository
    expect(g(f.repo, 'branch', '--list', 'fleet/*')).toBe('');
  });

  it('the console: the evals list, the eval page with the variant table, the chart of pass rate against cost per solved case and links to each trial\'s run and transcript; /metrics: eval families with bounded labels', async () => {
    const monitor = await MonitorProcess.start(['--listen', '127.0.0.1:0'], f.env as Record<string, string>);
    try {
      const get = async (path: string) => {
        const res = await fetch(`${monitor.url}${path}`);
        expect(res.status, path).toBe(200);
        return res.text();
      };
      expect(await get('/evals')).toMatch(new RegExp(`<a href="/evals/${evalId}">${evalId}</a></td><td>six</td><td><span class="badge s-succeeded">finished</span>.*12/12 ended · 8 solved`, 's'));
      const html = await get(`/evals/${evalId}`);
      expect(html).toContain('<tr data-variant="low"><td>low</td><td>3/6</td><td>50.0% <span class="muted">(18.8%–81.2%)</span></td>');
      expect(html).toMatch(/<tr data-variant="high"><td>high<\/td><td>5\/6<\/td><td>83\.3% /);
      // one point per variant, the high tier dearer per solved case than the low one
      const cx = (name: string) => Number(new RegExp(`<g class="point" data-variant="${name}">.*?<circle cx="([\\d.]+)"`).exec(html)?.[1]);
      expect(cx('high')).toBeGreaterThan(cx('low'));
      expect(html).toContain('<title>low: 50.0% solved, $0.00082 per solved case</title>');
      // each case's trials link to their runs' task pages, whose transcript is the trial's
      const link = new RegExp(`<tr data-case="reverse"><td>reverse</td><td>0/1 <a class="badge s-failed" href="(/runs/${evalId}-\\d+/tasks/reverse)"`).exec(html)?.[1];
      expect(link).toBeDefined();
      expect(html).toContain('<span class="muted">solved by none</span>');
      const task = await get(link!);
      expect(task).toContain('check_failed');
      expect(task).toContain('hidden files');

      const text = await monitor.scrape();
      const samples = parseSamples(text);
      expect(samples.get('agentfleet_evals{status="finished"}')).toBe(1);
      expect(samples.get('agentfleet_eval_trials{status="pending"}')).toBe(0);
      expect(samples.get('agentfleet_eval_trials_total{agent="llm",tier="low",provider="chain",status="solved"}')).toBe(3);
      expect(samples.get('agentfleet_eval_trials_total{agent="llm",tier="high",provider="chain",status="unsolved"}')).toBe(1);
      expect(samples.get('agentfleet_eval_cost_usd_total{agent="llm",tier="high",provider="chain"}')).toBeCloseTo(0.021, 6);
      for (const sample of parseExposition(text).filter((x) => x.name.startsWith('agentfleet_eval'))) {
        expect(Object.keys(sample.labels).every((l) => ['status', 'agent', 'tier', 'provider'].includes(l)), JSON.stringify(sample)).toBe(true);
      }
      expect(text).not.toContain(evalId);
      if (requireBinaries('promtool')) expect(promtool(['check', 'metrics'], text).output).toBe('');
    } finally {
      await monitor.stop();
    }
  });

  it('--repeat 3: pass@1 and pass@3, a case solved 2 of 3 times marked flaky; --baseline flags an eval that regressed on two cases and not one with the same results', async () => {
    const three = EVAL_CASES.filter((c) => ['sub', 'mul', 'max'].includes(c.id));
    const suite = writeEvalSuite(f.dir, f.repo, three, { name: 'three' });
    const run = async (right: (t: ConversationTurn) => boolean): Promise<string> => {
      f.standin.respondWith(answer((t) => right(t)));
      const out = await f.fleetOk(['eval', suite, '--matrix', 'tier=high', '--repeat', '3', '--watch', '--json']);
      return (JSON.parse(out.slice(out.lastIndexOf('{'))) as { evalId: string }).evalId;
    };
    // max is solved in its first two trials only
    const base = await run((t) => t.taskId !== 'max' || t.trial <= 2);
    const r = await f.reportOf(base);
    const high = variant(r, 'high');
    expect(high).toMatchObject({ trials: 9, attempted: 9, solved: 8, cases: 3, casesSolved: 3 });
    expect(round4(high.passAtK['1'])).toBe(round4((1 + 1 + 2 / 3) / 3));
    expect(high.passAtK['2']).toBe(1);
    expect(high.passAtK['3']).toBe(1);
    expect(r.cases.map((c) => [c.id, c.variants.high!.solved, c.variants.high!.attempted, c.flaky])).toEqual([['sub', 3, 3, false], ['mul', 3, 3, false], ['max', 2, 3, true]]);
    expect(await f.fleetOk(['eval', 'report', base])).toContain('| max | 2/3 | flaky (high) |');

    const worse = await run((t) => t.taskId === 'max' && t.trial <= 2);
    const flagged = (await f.reportOf(worse, '--baseline', base)).baseline!;
    expect(flagged.test).toMatch(/^McNemar's exact test, one-sided/);
    expect(flagged.variants[0]).toMatchObject({ name: 'high', pairs: 9, regressed: true });
    expect(flagged.variants[0]!.lost).toBeGreaterThanOrEqual(6);
    expect(flagged.variants[0]!.pValue).toBeLessThan(0.05);
    const same = await run((t) => t.taskId !== 'max' || t.trial <= 2);
    const calm = (await f.reportOf(same, '--baseline', base)).baseline!;
    expect(calm.variants[0]).toMatchObject({ name: 'high', pairs: 9, regressed: false });
    expect(await f.fleetOk(['eval', 'report', worse, '--baseline', base])).toMatch(/\| high \| 9 \| \d \| \d \| 88\.9% → 22\.2% \| 0\.0\d+ \| \*\*regressed\*\* \|/);
  });
});
