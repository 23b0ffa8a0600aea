import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetError, WaitRequest } from '@agentfleet/core';
import { CLAUDE_PROVIDER, CooldownRegistry, createAgent, MemoryProviderPauses, newClaudeState, newCodexState, parseClaudeLine, parseCodexLine } from '@agentfleet/agents';
import { removeDir, tempDir, waitFor } from '@agentfleet/testkit';
import { config, FAKE_CLAUDE, FAKE_CODEX, provider, request, stream } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('agents-cli');
});
afterEach(() => removeDir(dir));

/** Running (a killed process waiting to be reaped by init counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function fakeEnv(streamName: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, AGENTFLEET_CODEX_BIN: FAKE_CODEX, AGENTFLEET_CLAUDE_BIN: FAKE_CLAUDE, FAKE_CLI_STREAM: stream(streamName), FAKE_CLI_RECORD: join(dir, 'record.json'), HOME: dir, ...extra };
}

/** A worktree-shaped workdir: .git is a file pointing into the main repository's worktrees dir. */
function worktreeLayout(): { workdir: string; common: string; gitdir: string } {
  const common = join(dir, 'repo.git');
  const gitdir = join(common, 'worktrees', 'slot-1');
  mkdirSync(gitdir, { recursive: true });
  writeFileSync(join(gitdir, 'commondir'), '../..\n');
  const workdir = join(dir, 'slot-1');
  mkdirSync(workdir);
  writeFileSync(join(workdir, '.git'), `gitdir: ${gitdir}\n`);
  return { workdir, common, gitdir };
}

describe('codex agent', () => {
  it('runs codex exec --json with its own CODEX_HOME, the git dirs writable, model and provider from the config', async () => {
    const { workdir, common, gitdir } = worktreeLayout();
    const cfg = config({
      providers: [provider('lan', 'http://10.0.0.9:11434/v1', { apiKeyEnv: 'LAN_KEY', api: 'responses', reasoningEffort: 'high', models: { low: 'gpt-oss:20b', high: 'gpt-oss:120b' } })],
      pricing: { 'gpt-oss:20b': { input: 0.1, cachedInput: 0.05, output: 0.5 } },
    });
    const h = request({ workdir, config: cfg, env: fakeEnv('codex-success.jsonl'), task: { agent: 'codex', prompt: 'add a greeting' } });
    const result = await createAgent('codex', { cooldowns: new CooldownRegistry() }).run(h.req);

    expect(result.exit).toBe(0);
    expect(result.summary).toBe('Added src/greeting.txt with the greeting.');
    expect(result.usage).toEqual({ input: 24763, cachedInput: 24448, output: 122 });
    expect(result.costUsd).toBeCloseTo(((24763 - 24448) * 0.1 + 24448 * 0.05 + 122 * 0.5) / 1e6, 12);
    expect(result).toMatchObject({ provider: 'lan', model: 'gpt-oss:20b' });
    expect(readFileSync(join(workdir, 'src/greeting.txt'), 'utf8')).toBe('hello from codex\n');

    const rec = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as { argv: string[]; stdin: string | null; env: { CODEX_HOME: string; codexHomeExists: boolean } };
    const argv = rec.argv;
    expect(argv.slice(0, 5)).toEqual(['exec', '--json', '--skip-git-repo-check', '--sandbox', 'workspace-write']);
    expect(argv[argv.indexOf('-C') + 1]).toBe(workdir);
    const added = argv.flatMap((a, i) => (a === '--add-dir' ? [argv[i + 1]] : []));
    expect(added).toEqual([common, gitdir]);
    expect(argv[argv.indexOf('-m') + 1]).toBe('gpt-oss:20b');
    expect(argv).toContain('model_provider="af_lan"');
    expect(argv).toContain('model_providers.af_lan.base_url="http://10.0.0.9:11434/v1"');
    expect(argv).toContain('model_providers.af_lan.wire_api="responses"');
    expect(argv).toContain('model_providers.af_lan.env_key="LAN_KEY"');
    expect(argv).toContain('model_reasoning_effort="high"');
    expect(argv.at(-1)).toBe('add a greeting');
    expect(argv).toContain('--output-last-message');
    expect(rec.stdin).toBeNull(); // stdin closed
    expect(rec.env.codexHomeExists).toBe(true);
    expect(existsSync(rec.env.CODEX_HOME)).toBe(false); // removed after the job

    expect(h.events).toContainEqual({ type: 'command', phase: 'started', command: 'bash -lc ls' });
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'command', phase: 'ended', command: 'bash -lc ls', exitCode: 0, ok: true, output: 'README.md\nsrc\n' }));
    expect(h.events).toContainEqual({ type: 'file_change', paths: ['src/greeting.txt'] });
    expect(h.events).toContainEqual({ type: 'message', text: 'Added src/greeting.txt with the greeting.' });
    expect(h.events).toContainEqual({ type: 'usage', usage: { input: 24763, cachedInput: 24448, output: 122 } });
  });

  it('reports turn.failed as a failure even though codex exits 0', async () => {
    const h = request({ workdir: dir, env: fakeEnv('codex-turn-failed.jsonl'), task: { agent: 'codex', prompt: 'x' } });
    const result = await createAgent('codex').run(h.req);
    expect(result.exit).toBe(1);
    expect(result.summary).toMatch(/^codex failed: unexpected status 400 Bad Request/);
    expect(h.events).toContainEqual({ type: 'error', message: 'Reconnecting... 1/5', transient: true });
  });

  it('pauses the provider fleet-wide when codex fails on a rate limit', async () => {
    const pauses = new MemoryProviderPauses();
    const cfg = config({ providers: [provider('cloud', 'http://127.0.0.1:9/v1', { api: 'responses' })] });
    const h = request({ workdir: dir, config: cfg, pauses, env: fakeEnv('codex-rate-limited.jsonl'), task: { agent: 'codex', prompt: 'x' } });
    const before = Date.now();
    const result = await createAgent('codex', { cooldowns: new CooldownRegistry() }).run(h.req);
    expect(result.exit).toBe(1);
    expect(result.summary).toMatch(/429 Too Many Requests/);
    const until = await pauses.pausedUntil('cloud');
    expect(until).toBeGreaterThanOrEqual(before + 20_000);
    expect(until).toBeLessThan(Date.now() + 21_000);
  });

  it('kills codex and its children when a usage event goes over the budget', async () => {
    const h = request({ workdir: dir, env: fakeEnv('codex-expensive.jsonl'), budget: { tokens: 1_000_000 }, task: { agent: 'codex', prompt: 'x' } });
    const err = (await createAgent('codex').run(h.req).catch((e: unknown) => e)) as FleetError;
    expect(err).toBeInstanceOf(FleetError);
    expect(err.kind).toBe('budget_exceeded');
    expect(err.message).toMatch(/used 1100000 tokens, over its budget of 1000000/);
    const child = Number(readFileSync(join(dir, 'record.json.child'), 'utf8'));
    await waitFor('the grandchild to be gone', () => !alive(child), 5000, 20);
  });

  it('abort kills the whole process group', async () => {
    const h = request({ workdir: dir, env: fakeEnv('codex-hang.jsonl'), task: { agent: 'codex', prompt: 'x' } });
    const running = createAgent('codex').run(h.req);
    await waitFor('the grandchild pid file', () => existsSync(join(dir, 'record.json.child')), 5000, 20);
    const child = Number(readFileSync(join(dir, 'record.json.child'), 'utf8'));
    expect(alive(child)).toBe(true);
    h.controller.abort();
    const err = (await running.catch((e: unknown) => e)) as FleetError;
    expect(err.kind).toBe('cancelled');
    await waitFor('the grandchild to be gone', () => !alive(child), 5000, 20);
  });

  it('maps every documented event type of a recorded stream', () => {
    const state = newCodexState();
    const lines = readFileSync(stream('codex-success.jsonl'), 'utf8').split('\n').filter((l) => !l.includes('__fake'));
    const events = lines.flatMap((l) => parseCodexLine(l, state));
    expect(state.threadId).toBe('0199a213-81c0-7800-8aa1-bbab2a035a53');
    expect(events.map((e) => e.type)).toEqual(['step', 'reasoning', 'command', 'command', 'file_change', 'reasoning', 'message', 'usage']);
    expect(parseCodexLine('not json', state)).toEqual([{ type: 'output', stream: 'stdout', text: 'not json\n' }]);
    const failed = newCodexState();
    parseCodexLine('{"type":"turn.failed","error":{"message":"boom"}}', failed);
    expect(failed.failed).toBe('boom');
  });
});

describe('claude agent', () => {
  it('streams events, reads usage and total_cost_usd from the result event, prompt on stdin', async () => {
    const h = request({ workdir: dir, sandboxed: true, env: fakeEnv('claude-success.jsonl'), task: { agent: 'claude', prompt: 'add greeting.txt', complexity: 'medium' } });
    const result = await createAgent('claude').run(h.req);
    expect(result.exit).toBe(0);
    expect(result.summary).toBe('Created greeting.txt.');
    expect(result.costUsd).toBe(0.0241);
    expect(result.usage).toEqual({ input: 10 + 2903 + 32197, cachedInput: 32197, output: 21 });
    expect(result).toMatchObject({ provider: CLAUDE_PROVIDER, model: 'claude-sonnet-4-5-20250929' });
    expect(readFileSync(join(dir, 'greeting.txt'), 'utf8')).toBe('hello from claude\n');
    const rec = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as { argv: string[]; stdin: string };
    expect(rec.argv).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'bypassPermissions', '--model', 'sonnet']);
    expect(rec.stdin).toBe('add greeting.txt');
    expect(h.events).toContainEqual({ type: 'tool_call', name: 'Write', args: '{"file_path":"/tmp/work/greeting.txt","content":"hello from claude\\n"}' });
    expect(h.events).toContainEqual({ type: 'file_change', paths: ['/tmp/work/greeting.txt'] });
    expect(h.events).toContainEqual({ type: 'message', text: "I'll add the greeting file." });
    // msg_01 is reported twice with the same usage: counted once
    expect(h.events.filter((e) => e.type === 'usage')).toHaveLength(2);
  });

  it('an is_error result fails the task with its subtype', async () => {
    const h = request({ workdir: dir, sandboxed: true, env: fakeEnv('claude-error.jsonl'), task: { agent: 'claude', prompt: 'x', risk: ['data'] } });
    const result = await createAgent('claude').run(h.req);
    expect(result.exit).toBe(1);
    expect(result.summary).toBe('claude failed: error_max_turns');
    expect(result.costUsd).toBe(0.0113);
    expect(result.usage).toEqual({ input: 140, cachedInput: 0, output: 60 });
    const rec = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as { argv: string[] };
    expect(rec.argv.at(-1)).toBe('opus'); // risk forces the top tier
  });

  it('a rejected usage limit parks the task until its reset and pauses Claude fleet-wide; the next task parks too', async () => {
    const pauses = new MemoryProviderPauses();
    const h = request({ workdir: dir, sandboxed: true, pauses, env: fakeEnv('claude-rate-limited.jsonl'), task: { agent: 'claude', prompt: 'x' } });
    const wait = (await createAgent('claude').run(h.req).catch((e: unknown) => e)) as WaitRequest;
    expect(wait).toBeInstanceOf(WaitRequest);
    expect(wait.wait).toMatchObject({ kind: 'usage_limit', until: 4102444800 * 1000 });
    expect(wait.wait.reason).toMatch(/claude usage limit \(five_hour\) on anthropic; resets 2100-01-01T00:00:00.000Z/);
    expect(await pauses.pausedUntil(CLAUDE_PROVIDER)).toBe(4102444800 * 1000);

    // the next task does not start claude at all: the pause is far off, so it parks at once
    const next = request({ workdir: dir, sandboxed: true, pauses, env: fakeEnv('claude-success.jsonl'), task: { agent: 'claude', prompt: 'y' } });
    const parked = (await createAgent('claude').run(next.req).catch((e: unknown) => e)) as WaitRequest;
    expect(parked.wait).toMatchObject({ kind: 'provider_pause', until: 4102444800 * 1000 });
    expect(existsSync(join(dir, 'greeting.txt'))).toBe(false);
  });

  it('waits out a short fleet-wide pause holding its slot, then runs', async () => {
    const pauses = new MemoryProviderPauses();
    await pauses.pause(CLAUDE_PROVIDER, Date.now() + 400);
    const h = request({ workdir: dir, sandboxed: true, pauses, env: fakeEnv('claude-success.jsonl'), task: { agent: 'claude', prompt: 'y' } });
    const result = await createAgent('claude').run(h.req);
    expect(result.exit).toBe(0);
    expect(h.events.some((e) => e.type === 'step' && /anthropic is paused fleet-wide; waiting 1 s/.test(e.detail ?? ''))).toBe(true);
  });

  it('as root outside the fleet sandbox it fails at once, saying why, without starting claude', async () => {
    const h = request({ workdir: dir, sandboxed: false, env: fakeEnv('claude-success.jsonl'), task: { agent: 'claude', prompt: 'x' } });
    const run = createAgent('claude').run(h.req);
    if (process.getuid?.() !== 0) return void (await run);
    const err = (await run.catch((e: unknown) => e)) as FleetError;
    expect(err.kind).toBe('agent_unusable');
    expect(err.message).toMatch(/claude cannot run as root outside the fleet sandbox: Claude Code refuses --permission-mode bypassPermissions/);
    expect(existsSync(join(dir, 'record.json'))).toBe(false);
  });

  it('inside the sandbox it gets IS_SANDBOX=1 and never the nonessential traffic; an anthropic provider sets endpoint, key and model', async () => {
    const cfg = config({ providers: [provider('gw', 'http://127.0.0.1:9/', { api: 'anthropic', apiKeyEnv: 'GW_KEY', models: { low: 'gw-small', high: 'gw-large' } }), provider('chat', 'http://127.0.0.1:8/v1')] });
    const h = request({ workdir: dir, sandboxed: true, config: cfg, env: fakeEnv('claude-success.jsonl', { GW_KEY: 'sk-gw', ANTHROPIC_AUTH_TOKEN: 'host-token', FAKE_CLI_RECORD_ENV: 'IS_SANDBOX,CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC,ANTHROPIC_BASE_URL,ANTHROPIC_API_KEY,ANTHROPIC_AUTH_TOKEN' }), task: { agent: 'claude', prompt: 'x' } });
    const result = await createAgent('claude', { cooldowns: new CooldownRegistry() }).run(h.req);
    expect(result).toMatchObject({ exit: 0, provider: 'gw' });
    const rec = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as { argv: string[]; env: Record<string, string | undefined> };
    expect(rec.argv.at(-1)).toBe('gw-small');
    expect(rec.env).toMatchObject({ IS_SANDBOX: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', ANTHROPIC_API_KEY: 'sk-gw' });
    expect(rec.env.ANTHROPIC_AUTH_TOKEN).toBeUndefined(); // the provider's key replaces the host's credentials
  });

  it('without a provider it gets its own login from the worker\'s credentials and no other key; its login file is carried into a private HOME', async () => {
    const login = join(dir, 'daemon-home');
    const home = join(dir, 'private-home');
    mkdirSync(join(login, '.claude'), { recursive: true });
    writeFileSync(join(login, '.claude', '.credentials.json'), '{"claudeAiOauth":{"accessToken":"oat-file"}}');
    const env = { PATH: process.env.PATH, HOME: home, AGENTFLEET_CLAUDE_BIN: FAKE_CLAUDE, FAKE_CLI_STREAM: stream('claude-success.jsonl'), FAKE_CLI_RECORD: join(dir, 'record.json'), FAKE_CLI_RECORD_ENV: 'CLAUDE_CODE_OAUTH_TOKEN,ANTHROPIC_API_KEY,OPENAI_API_KEY,GW_KEY,HOME' };
    const h = request({ workdir: dir, sandboxed: true, env, task: { agent: 'claude', prompt: 'x' } });
    Object.assign(h.req, { credentials: { ...env, CLAUDE_CODE_OAUTH_TOKEN: 'oat-env', OPENAI_API_KEY: 'sk-openai', GW_KEY: 'sk-gw' }, loginHome: login });
    expect(await createAgent('claude').run(h.req)).toMatchObject({ exit: 0 });
    const rec = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as { env: Record<string, string | undefined> };
    expect(rec.env).toEqual(expect.objectContaining({ CLAUDE_CODE_OAUTH_TOKEN: 'oat-env', HOME: home }));
    for (const other of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GW_KEY']) expect(rec.env[other], other).toBeUndefined();
    expect(readFileSync(join(home, '.claude', '.credentials.json'), 'utf8')).toContain('oat-file');
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'step', step: 'sandbox', detail: expect.stringMatching(/^claude's own sandbox is off/) }));
  });

  it('parses assistant usage per message id for mid-run budgets', () => {
    const state = newClaudeState();
    for (const l of readFileSync(stream('claude-success.jsonl'), 'utf8').split('\n')) parseClaudeLine(l, state);
    expect(state.perMessage.size).toBe(2);
    expect(state.result?.isError).toBe(false);
  });
});

describe('shell and noop agents', () => {
  it('runs the command in the workdir; output captured, exit code is the verdict', async () => {
    const h = request({ workdir: dir, task: { agent: 'shell', run: 'echo out; echo err >&2; pwd; exit 3' } });
    const result = await createAgent('shell').run(h.req);
    expect(result.exit).toBe(3);
    expect(result.outputTail).toContain('out\n');
    expect(result.outputTail).toContain('err\n');
    expect(result.outputTail).toContain(dir);
    expect(h.events.some((e) => e.type === 'output' && e.stream === 'stderr' && e.text.includes('err'))).toBe(true);
  });

  it('keeps only the last 4 KB of a long output', async () => {
    const h = request({ workdir: dir, task: { agent: 'shell', run: 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done' } });
    const result = await createAgent('shell').run(h.req);
    expect(result.exit).toBe(0);
    expect(result.outputTail!.length).toBe(4096);
    expect(result.outputTail!.endsWith('line 1999\n')).toBe(true);
  });

  it('abort kills background children of the command too', async () => {
    const pidFile = join(dir, 'bg.pid');
    const h = request({ workdir: dir, task: { agent: 'shell', run: `sleep 300 & echo $! > ${pidFile}; wait` } });
    const running = createAgent('shell').run(h.req);
    await waitFor('the background pid file', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 5000, 20);
    const bg = Number(readFileSync(pidFile, 'utf8'));
    h.controller.abort();
    expect(((await running.catch((e: unknown) => e)) as FleetError).kind).toBe('cancelled');
    await waitFor('the background process to be gone', () => !alive(bg), 5000, 20);
  });

  it('noop returns at once', async () => {
    const h = request({ workdir: dir, task: { agent: 'noop' } });
    expect(await createAgent('noop').run(h.req)).toMatchObject({ exit: 0, costUsd: 0 });
  });
});
