// `fleet plan draft` and `fleet doctor` as users run them: the built binary, a fleet.yaml whose
// provider is the OpenAI stand-in, the test Redis. The CLI runs as an async child process so
// the stand-in in this process can answer it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureBuilt, freePort, isRoot, removeDir, reply, repoRoot, requireBinaries, runFleet, startAnthropicStandin, startStandin, tempDir, type CliResult, type OpenAIStandin } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
let standin: OpenAIStandin;
let home: string;

function fleet(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runFleet(args, { cwd: home, env: { ...process.env, REDIS_URL: undefined, AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: join(home, 'fleet.yaml'), ...env } });
}

function providerYaml(name: string, url: string): string {
  return `providers:\n  - name: ${name}\n    baseURL: "${url}"\n    models: { low: standin-small, high: standin-large }\n`;
}

/** The model's structured answer (every key present, nulls for none), as PLAN_DRAFT_SCHEMA asks. */
function draftAnswer(tasks: { id: string; deps: string[]; agent?: string; run?: string; expands?: boolean }[]): string {
  return JSON.stringify({
    name: 'greeting',
    tasks: tasks.map((t) => ({
      id: t.id,
      title: `Task ${t.id}`,
      agent: t.agent ?? 'llm',
      prompt: t.run ? null : `Do ${t.id}.`,
      run: t.run ?? null,
      deps: t.deps,
      complexity: 'low',
      risk: [],
      estimate: '10m',
      expands: t.expands ?? false,
    })),
  });
}

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  standin = await startStandin({ models: ['standin-small', 'standin-large'] });
  home = tempDir('cli-draft');
  writeFileSync(join(home, 'fleet.yaml'), providerYaml('standin', standin.url) + 'pricing: { standin-large: { input: 1, output: 2 } }\n');
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await standin.close();
  removeDir(home);
});

describe.runIf(ok)('fleet plan draft', () => {
  it('drafts a plan from an issue through the model, correcting it once; the file passes fleet plan check', async () => {
    standin.reset();
    standin.enqueue(
      reply.text(draftAnswer([{ id: 'greet', deps: ['setup'] }, { id: 'test', deps: ['greet'], agent: 'shell', run: 'npm test' }]), { prompt: 800, completion: 200 }),
      reply.text(draftAnswer([{ id: 'greet', deps: [] }, { id: 'test', deps: ['greet'], agent: 'shell', run: 'npm test' }]), { prompt: 1000, completion: 200 }),
    );
    writeFileSync(join(home, 'issue.md'), '# Greeting\n\nAdd a greet(name) function and test it.\n');
    const res = await fleet(['plan', 'draft', 'issue.md', '-o', 'plan.yaml', '--repo', 'git@example.com:org/app.git']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/drafted plan\.yaml: 2 tasks in 2 attempts \(standin standin-large, 2200 tokens, \$0\.0026\)/);
    // The second request carried the first answer's problem back to the model.
    const [first, second] = standin.modelRequests;
    expect(JSON.stringify(first!.body.messages)).toContain('Add a greet(name) function');
    expect(JSON.stringify(second!.body.messages)).toMatch(/unknown dependency 'setup'/);
    const plan = readFileSync(join(home, 'plan.yaml'), 'utf8');
    expect(plan).toContain('url: git@example.com:org/app.git');
    const check = await fleet(['plan', 'check', 'plan.yaml']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('ok: 2 tasks, 2 levels');
    // No Redis configured: drafting did not start the embedded redis-server.
    expect(existsSync(join(home, 'redis'))).toBe(false);
  });

  it('--grow drafts a plan that grows at run time: an analysis task with expands: true', async () => {
    standin.reset();
    standin.enqueue(reply.text(draftAnswer([{ id: 'analysis', deps: [], expands: true }, { id: 'test', deps: ['analysis'], agent: 'shell', run: 'npm test' }]), { prompt: 900, completion: 150 }));
    const res = await fleet(['plan', 'draft', 'issue.md', '-o', 'grow.yaml', '--grow']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.stringify(standin.modelRequests[0]!.body.messages)).toMatch(/make the plan grow at run time/);
    expect(readFileSync(join(home, 'grow.yaml'), 'utf8')).toMatch(/id: analysis\n(.*\n)*\s+expands: true/);
    const check = await fleet(['plan', 'check', 'grow.yaml']);
    expect(check.code, check.stderr).toBe(0);
  });

  it('without providers it says what to configure (exit 2)', async () => {
    writeFileSync(join(home, 'empty.yaml'), '{}\n');
    const res = await fleet(['plan', 'draft', 'issue.md', '--config', join(home, 'empty.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/no model providers configured/);
  });
});

describe.runIf(ok)('fleet doctor', () => {
  it('passes against the test Redis and a stand-in provider, one line per check', async () => {
    const res = await fleet(['doctor'], { REDIS_URL: inject('redisUrl') });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^ok {3}redis {2}redis:\/\/127\.0\.0\.1:\d+ \(\d+\.\d+\.\d+, noeviction\)$/m);
    expect(res.stdout).toMatch(/^ok {3}provider standin {2}http:\/\/127\.0\.0\.1:\d+\/v1 \(2 models: standin-small, standin-large; api chat, for llm tasks\)$/m);
    expect(res.stdout).toMatch(/^ok {3}git {2}git version \d/m);
    expect(res.stdout).toMatch(/^(ok {3}|warn )codex/m);
  });

  it('fails (exit 1) naming a dead provider and a missing binary that --agents requires; --json says the same', async () => {
    writeFileSync(join(home, 'dead.yaml'), providerYaml('standin', standin.url) + providerYaml('dead', `http://127.0.0.1:${await freePort()}/v1`).replace('providers:\n', ''));
    const env = { REDIS_URL: inject('redisUrl'), AGENTFLEET_CODEX_BIN: join(home, 'no-codex') };
    const res = await fleet(['doctor', '--config', join(home, 'dead.yaml'), '--agents', 'codex'], env);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^FAIL provider dead: connection refused \(http:\/\/127\.0\.0\.1:\d+\/v1\)$/m);
    expect(res.stdout).toMatch(/^FAIL codex \(.*no-codex\): not installed or not on PATH$/m);
    expect(res.stdout).toMatch(/^ok {3}provider standin/m);
    const json = await fleet(['doctor', '--config', join(home, 'dead.yaml'), '--json'], env);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { ok: boolean; checks: { name: string; status: string }[] };
    expect(out.ok).toBe(false);
    expect(out.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'provider dead', status: 'fail' }), expect.objectContaining({ name: 'redis', status: 'ok' })]));
  });
  it('checks an api: anthropic provider the way claude reaches it, and says a root fleet runs claude tasks only in the sandbox', async () => {
    const gw = await startAnthropicStandin({ models: ['gw-small', 'gw-large'] });
    try {
      const yaml = `providers:\n  - name: gw\n    api: anthropic\n    baseURL: "${gw.url}"\n    apiKeyEnv: GW_KEY\n    models: { low: gw-small, high: gw-large }\n`;
      writeFileSync(join(home, 'claude.yaml'), yaml);
      writeFileSync(join(home, 'claude-unconfined.yaml'), `${yaml}local: { sandbox: none }\n`);
      const env = { REDIS_URL: inject('redisUrl'), GW_KEY: 'sk-gw', AGENTFLEET_CLAUDE_BIN: join(repoRoot, 'node_modules/.bin/claude') };
      const res = await fleet(['doctor', '--config', join(home, 'claude.yaml')], env);
      expect(res.stdout).toMatch(/^ok {3}provider gw {2}http:\/\/127\.0\.0\.1:\d+ \(2 models: gw-small, gw-large; api anthropic, for claude tasks\)$/m);
      expect(gw.requests.find((r) => r.path === '/v1/models')?.headers['x-api-key']).toBe('sk-gw');
      // the local fleet sandboxes its tasks (the default): claude runs there, root or not
      expect(res.stdout).toMatch(/^ok {3}claude .*2\.1\.197/m);
      if (isRoot) {
        const unconfined = await fleet(['doctor', '--config', join(home, 'claude-unconfined.yaml')], env);
        expect(unconfined.stdout).toMatch(/^warn claude: 2\.1\.197 \(Claude Code\), but cannot run as root outside the fleet sandbox: .*keep the task in the sandbox \(sandbox: bwrap\) or run the host daemon as an unprivileged user \(needed only by claude tasks\)$/m);
        const required = await fleet(['doctor', '--config', join(home, 'claude-unconfined.yaml'), '--agents', 'claude'], env);
        expect(required.code).toBe(1);
        expect(required.stdout).toMatch(/^FAIL claude: .*cannot run as root outside the fleet sandbox/m);
      }
    } finally {
      await gw.close();
    }
  });
});
