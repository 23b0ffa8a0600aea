// "Succeeded" means the project's own checks passed: the worker runs them after the agent, a
// failing one sends a model-backed agent into a fix round with the output, and the report shows
// every round. A real repository with a real test command (`npm test` running node --test), a
// real host daemon and Redis; the only stand-in is the model.
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeRunId, parsePlan } from '@agentfleet/core';
import type { FleetStore, RunReport, TaskReport } from '@agentfleet/store';
import { initRepository, showFile } from '@agentfleet/workspace';
import { ensureBuilt, pidsWithArg, redisDump, removeDir, reply, requireBinaries, runEnded, startModelFleet, tempDir, type ModelFleet, type OpenAIStandin } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git', 'npm');
const SECRET = `sk-checks-${process.pid}-secret`;

let fleet: ModelFleet;
let standin: OpenAIStandin;
let store: FleetStore;
let repoDir: string;
let base: string;

const ADD_TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add } from '../src/add.js';

test('add adds', () => {
  assert.equal(add(2, 3), 5);
});
`;

async function run(planYaml: string): Promise<RunReport> {
  const plan = parsePlan(planYaml, 'plan.yaml');
  plan.repo = { url: repoDir, ref: 'main' };
  const runId = makeRunId(new Date());
  await store.runs.submit(plan, { runId, schedule: 'deps', failFast: false, baseCommit: base, config: fleet.runConfig() });
  await runEnded(store, runId, 90_000);
  return store.read.report(runId);
}

const taskOf = (r: RunReport, id: string): TaskReport => r.tasks.find((t) => t.id === id)!;
const rounds = (t: TaskReport) => t.history.flatMap((h) => h.rounds.map((x) => [x.round, x.check, x.exitCode]));

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  fleet = await startModelFleet('checks-e2e', inject('redisUrl'), { env: { STANDIN_KEY: SECRET }, apiKeyEnv: 'STANDIN_KEY' });
  ({ standin, store } = fleet);
  repoDir = join(tempDir('checks-repo'), 'origin');
  base = await initRepository(repoDir, {
    'package.json': JSON.stringify({ name: 'calc', version: '1.0.0', type: 'module', private: true, scripts: { test: 'node --test' } }, null, 2),
    'test/add.test.js': ADD_TEST,
    'README.md': '# calc\n',
  });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await fleet.stop();
  removeDir(dirname(repoDir));
});

describe.runIf(ok)('checks the fleet runs itself, and the fix loop', () => {
  it('a wrong first version fails `npm test`; the fix round gets the failing output; the second version passes; the report shows both rounds', async () => {
    standin.reset();
    standin.enqueue(
      reply.tool('write_file', { path: 'src/add.js', content: 'export const add = (a, b) => a - b;\n' }),
      reply.tool('finish', { summary: 'added add' }),
      reply.tool('write_file', { path: 'src/add.js', content: 'export const add = (a, b) => a + b;\n' }),
      reply.tool('finish', { summary: 'fixed add' }),
    );
    const report = await run('name: fix-loop\ntasks:\n  - id: add\n    agent: llm\n    prompt: Write src/add.js exporting add(a, b).\n    check: npm test\n');
    const t = taskOf(report, 'add');
    expect(t.status, JSON.stringify(t.error)).toBe('succeeded');
    expect(rounds(t)).toEqual([[1, 'npm test', 1], [2, 'npm test', 0]]);
    expect(t.attempts).toBe(1);
    // The fix round's first model call carries the original prompt, the command and its failing output.
    const fixCall = JSON.stringify(standin.modelRequests[2]!.body.messages);
    expect(fixCall).toContain('Write src/add.js exporting add(a, b).');
    expect(fixCall).toContain('Fix round 1 of 1');
    expect(fixCall).toContain('`npm test`');
    expect(fixCall).toMatch(/-1 !== 5|Expected values to be strictly equal/);
    expect(await showFile(repoDir, t.branch!, 'src/add.js')).toBe('export const add = (a, b) => a + b;\n');
    // Both rounds' usage counts for the task (4 model calls of 10 in / 5 out each).
    expect(t.usage).toEqual({ input: 40, cachedInput: 0, output: 20 });
    const md = await fleet.cli(['report', report.run.id]);
    expect(md).toMatch(/\*\*add\*\*: round 1: `npm test` exit 1 \([\d.]+s\); round 2: `npm test` exit 0 \([\d.]+s\)/);
  });

  it('with fix_rounds: 0 the same task fails as check_failed naming the command, is not retried, and calls the model no more', async () => {
    standin.reset();
    standin.enqueue(reply.tool('write_file', { path: 'src/add.js', content: 'export const add = (a, b) => a - b;\n' }), reply.tool('finish', { summary: 'added add' }));
    const report = await run('name: no-fix\ndefaults: { retries: 2 }\ntasks:\n  - id: add\n    agent: llm\n    prompt: Write src/add.js exporting add(a, b).\n    check: npm test\n    fix_rounds: 0\n');
    const t = taskOf(report, 'add');
    expect(t.status).toBe('failed');
    expect(t.error).toMatchObject({ kind: 'check_failed' });
    expect(t.error!.message).toMatch(/^check 'npm test' failed \(exit code 1\): /);
    expect(t.attempts).toBe(1); // a failed check is a fact about the code: retries do not apply
    expect(standin.modelRequests).toHaveLength(2);
    expect(t.outputTail).toMatch(/not ok 1 - add adds/);
    expect(rounds(t)).toEqual([[1, 'npm test', 1]]);
  });

  it('shell tasks: every check must exit 0 (no fix round); a check has its own timeout; the task variables reach agent and checks; a secret a check is given (env:) and prints never reaches Redis', async () => {
    const vars = 'echo "$AGENTFLEET_RUN $AGENTFLEET_TASK $AGENTFLEET_ATTEMPT $AGENTFLEET_SLOT $AGENTFLEET_PORT_BASE" > vars.txt';
    const plan = `name: shell-checks
defaults: { agent: shell, retries: 2 }
tasks:
  - id: passes
    run: '${vars}'
    check: ['test -s vars.txt', 'test "$AGENTFLEET_SLOT/$AGENTFLEET_PORT_BASE/$AGENTFLEET_TASK" = 0/20000/passes']
  - id: second-fails
    run: echo hi > out.txt
    check: [test -f out.txt, grep -q bye out.txt, 'echo never']
  - id: slow
    run: "true"
    check: sleep 30.7
    check_timeout: 1s
  - id: leaky
    run: "true"
    env: [STANDIN_KEY]
    check: 'echo "token=$STANDIN_KEY"; exit 3'
`;
    const report = await run(plan);
    const passes = taskOf(report, 'passes');
    expect(passes.status, JSON.stringify(passes.error)).toBe('succeeded');
    expect(await showFile(repoDir, passes.branch!, 'vars.txt')).toBe(`${report.run.id} passes 1 0 20000\n`);
    expect(rounds(passes)).toEqual([[1, 'test -s vars.txt', 0], [1, 'test "$AGENTFLEET_SLOT/$AGENTFLEET_PORT_BASE/$AGENTFLEET_TASK" = 0/20000/passes', 0]]);

    const second = taskOf(report, 'second-fails');
    expect(second).toMatchObject({ status: 'failed', attempts: 1, error: { kind: 'check_failed' } });
    expect(second.error!.message).toBe("check 'grep -q bye out.txt' failed (exit code 1)");
    expect(rounds(second)).toEqual([[1, 'test -f out.txt', 0], [1, 'grep -q bye out.txt', 1]]);

    const slow = taskOf(report, 'slow');
    expect(slow).toMatchObject({ status: 'failed', attempts: 1, error: { kind: 'check_failed', message: "check 'sleep 30.7' timed out after 1s" } });
    expect(pidsWithArg('sleep 30.7')).toEqual([]);

    const leaky = taskOf(report, 'leaky');
    expect(leaky).toMatchObject({ status: 'failed', error: { kind: 'check_failed' } });
    expect(leaky.error!.message).toBe("check 'echo \"token=$STANDIN_KEY\"; exit 3' failed (exit code 3): token=[REDACTED]");
    expect(leaky.outputTail).toBe('token=[REDACTED]\n');
    expect(await redisDump(inject('redisUrl'))).not.toContain(SECRET);
  });
});
