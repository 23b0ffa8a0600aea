// Transcripts through the real pipeline: a host daemon and its worker, real Redis; the agents are
// the fake codex/claude CLIs replaying recorded streams, the llm agent on the model stand-in, and
// shell commands. Asserts the normalized transcript of each kind, that secrets never reach Redis
// or the host's JSONL, and that a chatty command stays within the Redis copy's caps.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { configSchema, makeRunId, parsePlan, type TranscriptEntry } from '@agentfleet/core';
import type { FleetStore, RunConfig } from '@agentfleet/store';
import { ensureBuilt, ensureUnixUser, isRoot, redisText, repoRoot, reply, requireBinaries, runEnded, startStandin, TestHostd, testStore, type OpenAIStandin } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
const FIXTURES = join(repoRoot, 'packages/agents/test/fixtures');
const SECRET = `s3cretvalue-${process.pid}-tail`;
const KEY = `sk-standin-${process.pid}`;

let standin: OpenAIStandin;
let store: FleetStore;
let daemon: TestHostd;

function runConfig(): RunConfig {
  const c = configSchema.parse({ providers: [{ name: 'standin', baseURL: standin.url, apiKeyEnv: 'STANDIN_KEY', models: { low: 'standin-small' }, timeoutMs: 20_000 }] });
  return { providers: c.providers, pricing: c.pricing, budgets: c.budgets, git: c.git };
}

async function run(planYaml: string): Promise<string> {
  const runId = makeRunId(new Date());
  await store.runs.submit(parsePlan(planYaml, 'plan.yaml'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: runConfig() });
  await runEnded(store, runId, 120_000);
  return runId;
}

const entries = (runId: string, taskId: string, attempt = 1) => store.transcripts.all({ runId, taskId, attempt });
/** The agent's part of a transcript: everything but the fleet's steps, as `type` or `type:detail`. */
const agentPart = (es: TranscriptEntry[]) =>
  es.filter((e) => e.type !== 'step').map((e) => (e.type === 'command' ? `command:${e.phase}` : e.type === 'output' ? `output:${e.stream}` : e.type));

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  standin = await startStandin();
  store = testStore('transcripts', inject('redisUrl'));
  daemon = new TestHostd({
    redisUrl: inject('redisUrl'),
    prefix: store.prefix,
    slots: 1,
    // the daemon runs as a user of its own (as on the sshd hosts): the sandbox's user namespace is an unprivileged one
    user: isRoot ? ensureUnixUser('aftranscript') : undefined,
    env: {
      STANDIN_KEY: KEY,
      MY_SECRET: SECRET,
      AGENTFLEET_SECRET_NAMES: 'MY_SECRET,STANDIN_KEY',
      AGENTFLEET_CODEX_BIN: join(FIXTURES, 'bin/fake-codex'),
      AGENTFLEET_CLAUDE_BIN: join(FIXTURES, 'bin/fake-claude'),
      FAKE_CLI_STREAM_CODEX: join(FIXTURES, 'streams/codex-success.jsonl'),
      FAKE_CLI_STREAM_CLAUDE: join(FIXTURES, 'streams/claude-success.jsonl'),
    },
  });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await daemon.stopAndCleanup(10_000);
  await store.close();
  await standin.close();
});

describe.runIf(ok)('transcripts', () => {
  it('every agent kind gives the same normalized events, framed by the fleet steps', async () => {
    standin.reset();
    standin.enqueue(
      reply.tool('list_files', {}),
      reply.tool('run_command', { command: 'echo built' }),
      reply.tool('write_file', { path: 'out.txt', content: 'x\n' }),
      reply.text('All done: out.txt written.'),
    );
    const runId = await run(`name: kinds
tasks:
  - { id: cx, agent: codex, prompt: add a greeting, env: [FAKE_CLI_STREAM_CODEX] }
  - { id: cl, agent: claude, prompt: add greeting.txt, env: [FAKE_CLI_STREAM_CLAUDE] }
  - { id: ll, agent: llm, complexity: low, prompt: write out.txt }
  - { id: sh, agent: shell, run: "echo hello; echo warn >&2" }
`);
    expect(agentPart(await entries(runId, 'cx'))).toEqual(['reasoning', 'command:started', 'command:ended', 'file_change', 'reasoning', 'message', 'usage']);
    expect(agentPart(await entries(runId, 'cl'))).toEqual(['message', 'usage', 'tool_call', 'file_change', 'message', 'usage']);
    expect(agentPart(await entries(runId, 'll'))).toEqual(['usage', 'tool_call', 'usage', 'command:started', 'output:stdout', 'command:ended', 'usage', 'tool_call', 'file_change', 'usage', 'message']);
    const sh = await entries(runId, 'sh');
    expect(agentPart(sh)).toEqual(['command:started', 'output:stdout', 'output:stderr', 'command:ended']);

    // framing: the attempt starts and ends, the workspace is a step; entries are in order
    expect(sh[0]).toMatchObject({ type: 'step', step: 'attempt', status: 'started', seq: 1 });
    expect(sh.at(-1)).toMatchObject({ type: 'step', step: 'attempt', status: 'ok', detail: 'succeeded' });
    expect(sh.some((e) => e.type === 'step' && e.step === 'workspace' && e.status === 'ok')).toBe(true);
    expect(sh.map((e) => e.seq)).toEqual(sh.map((_, i) => i + 1));
    expect(sh.find((e) => e.type === 'command' && e.phase === 'ended')).toMatchObject({ command: 'echo hello; echo warn >&2', exitCode: 0, ok: true });
    expect(sh.filter((e) => e.type === 'output').map((e) => (e as { text: string }).text)).toEqual(['hello\n', 'warn\n']);
    const cx = await entries(runId, 'cx');
    expect(cx.find((e) => e.type === 'command' && e.phase === 'ended')).toMatchObject({ command: 'bash -lc ls', exitCode: 0, output: 'README.md\nsrc\n' });
    expect(cx.find((e) => e.type === 'file_change')).toMatchObject({ paths: ['src/greeting.txt'] });
    expect(cx.find((e) => e.type === 'message')).toMatchObject({ text: 'Added src/greeting.txt with the greeting.' });
    const cl = await entries(runId, 'cl');
    expect(cl.find((e) => e.type === 'tool_call')).toMatchObject({ name: 'Write' });
    const ll = await entries(runId, 'll');
    expect(ll.find((e) => e.type === 'command' && e.phase === 'ended')).toMatchObject({ command: 'echo built', exitCode: 0 });
    expect(ll.filter((e) => e.type === 'message').at(-1)).toMatchObject({ text: 'All done: out.txt written.' });
    // the host keeps the same entries as JSONL
    const file = join(daemon.home, 'transcripts', runId, 'sh.1.jsonl');
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TranscriptEntry)).toEqual(sh);
  });

  it('a secret printed by an agent, even cut across two writes, never reaches Redis or the JSONL', async () => {
    standin.reset();
    standin.enqueue(reply.tool('run_command', { command: 'echo "key is $STANDIN_KEY"' }), reply.tool('finish', { summary: 'printed it' }));
    const runId = await run(`name: secrets
tasks:
  - { id: sh, agent: shell, env: [MY_SECRET], run: 'echo "token=$MY_SECRET"; printf "%s" "\${MY_SECRET%%-*}"; sleep 0.4; printf "%s\\n" "-\${MY_SECRET#*-}"; echo "$MY_SECRET" >&2' }
  - { id: ll, agent: llm, complexity: low, env: [STANDIN_KEY], prompt: print the key }
`);
    const sh = await entries(runId, 'sh');
    const printed = sh.filter((e) => e.type === 'output').map((e) => (e as { text: string }).text).join('');
    expect(printed).toContain('token=[REDACTED]');
    expect(printed).toContain('[REDACTED]\n');
    expect(JSON.stringify(await entries(runId, 'll'))).toContain('key is [REDACTED]');
    const inRedis = await redisText(store.redis, `${store.prefix}:*`);
    expect(inRedis).not.toContain(SECRET);
    expect(inRedis).not.toContain(KEY);
    const dir = join(daemon.home, 'transcripts', runId);
    const onHost = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(onHost).toContain('token=[REDACTED]');
    expect(onHost).not.toContain(SECRET);
    expect(onHost).not.toContain(KEY);
  });

  it('a command printing 50 MB stays within the Redis copy caps; the host keeps it all', async () => {
    const line = '0123456789'.repeat(9) + 'abcdefghi';
    const runId = await run(`name: chatty
tasks:
  - { id: big, agent: shell, run: "yes ${line} | head -c 50000000; echo done-marker" }
`);
    expect((await store.read.get(runId)).status).toBe('succeeded');
    const key = store.transcripts.key({ runId, taskId: 'big', attempt: 1 });
    const stored = await entries(runId, 'big');
    expect(await store.redis.xlen(key)).toBeLessThanOrEqual(5000 + 2);
    expect(JSON.stringify(stored).length).toBeLessThanOrEqual(2 * 1024 * 1024 + 4096);
    expect(Number(await store.redis.memory('USAGE', key))).toBeLessThan(3 * 1024 * 1024);
    expect(stored.some((e) => e.type === 'step' && e.step === 'transcript' && /capped/.test(e.detail ?? ''))).toBe(true);
    // what matters most survives the cap: the command's end with its exit code and last output, the attempt's end
    expect(stored.find((e) => e.type === 'command' && e.phase === 'ended')).toMatchObject({ exitCode: 0 });
    expect(JSON.stringify(stored.find((e) => e.type === 'command' && e.phase === 'ended'))).toContain('done-marker');
    expect(stored.at(-1)).toMatchObject({ type: 'step', step: 'attempt', status: 'ok' });
    expect(await store.redis.pttl(key)).toBeGreaterThan(0);
    expect(statSync(join(daemon.home, 'transcripts', runId, 'big.1.jsonl')).size).toBeGreaterThan(50_000_000);
  }, 120_000);
});
