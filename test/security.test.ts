// Security promises, end to end with real processes: secrets (an API key, a host secret,
// the Redis password) reach hosts only through the environment — never Redis, logs, the
// report or `ps`; Redis with requirepass and with TLS works; the monitor binds loopback
// unless told otherwise; the llm agent's file tools stay inside the workspace; hostile
// titles and prompts are data, never commands. (bull-board read-only: monitor-e2e.test.ts.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { configSchema, InputError, makeRunId, parsePlan } from '@agentfleet/core';
import { createRedis, FleetStore, type RunConfig, type RunReport } from '@agentfleet/store';
import { initRepository } from '@agentfleet/workspace';
import {
  ensureBuilt,
  freePort,
  g,
  generateTestCerts,
  MonitorProcess,
  portOpen,
  redisTlsArgs,
  removeDir,
  reply,
  requireBinaries,
  runFleet,
  startStandin,
  tempDir,
  TestHostd,
  TestRedis,
  waitFor,
  workerPids,
  type OpenAIStandin,
  type RecordedRequest,
} from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git', 'openssl');
const nonce = `${process.pid}${Math.random().toString(36).slice(2, 8)}`;
const API_KEY = `sk-secret-api-${nonce}`;
const HOST_TOKEN = `host-token-${nonce}`;
const REDIS_PASSWORD = `redis-pw-${nonce}`;
const SECRETS = [API_KEY, HOST_TOKEN, REDIS_PASSWORD];

function fleet(args: string[], env: Record<string, string | undefined>, timeoutMs = 90_000) {
  return runFleet(args, { env: { ...process.env, ...env }, timeoutMs });
}

/** Every key of the database with its value, read according to its type. */
async function dumpDatabase(url: string): Promise<string> {
  const r = createRedis(url);
  try {
    const parts: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await r.type(key);
        const value =
          type === 'string' ? await r.get(key)
          : type === 'hash' ? await r.hgetall(key)
          : type === 'list' ? await r.lrange(key, 0, -1)
          : type === 'set' ? await r.smembers(key)
          : type === 'zset' ? await r.zrange(key, 0, -1, 'WITHSCORES')
          : type === 'stream' ? await r.xrange(key, '-', '+')
          : `<${type}>`;
        parts.push(`${key} ${JSON.stringify(value)}`);
      }
    } while (cursor !== '0');
    return parts.join('\n');
  } finally {
    r.disconnect();
  }
}

/** Contents of every log file under a directory (hostd.log, worker-N.log, rotated ones). */
function logFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.log(\.\d+)?$/.test(e.name)) out.set(p, readFileSync(p, 'utf8'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

const psArgs = () => execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });

function expectNoSecret(where: string, text: string): void {
  for (const s of SECRETS) expect(text.includes(s), `${where} contains a secret (${s.slice(0, 12)}…)`).toBe(false);
}

describe.runIf(ok)('a fleet with secrets, Redis requirepass, hostile plans', () => {
  let redis: TestRedis;
  let redisUrl: string;
  let standin: OpenAIStandin;
  let store: FleetStore;
  let daemon: TestHostd;
  let repoDir: string;
  let base: string;
  let outside: string;
  const prefix = `sec-${process.pid}`;
  const psSnapshots: string[] = [];

  const runConfig = (): RunConfig => {
    const c = configSchema.parse({
      providers: [{ name: 'standin', baseURL: standin.url, apiKeyEnv: 'STANDIN_KEY', models: { low: 'standin-small', medium: 'standin-small', high: 'standin-large' }, timeoutMs: 20_000 }],
      secrets: ['MY_TOKEN'],
    });
    return { providers: c.providers, pricing: c.pricing, budgets: c.budgets, git: c.git };
  };

  /** Submits a plan and waits for the end, taking `ps` snapshots while it runs. */
  async function run(planYaml: string, withRepo: boolean): Promise<RunReport> {
    const plan = parsePlan(planYaml, 'plan.yaml');
    if (withRepo) plan.repo = { url: repoDir, ref: 'main' };
    const runId = makeRunId(new Date());
    await store.runs.submit(plan, { runId, schedule: 'deps', failFast: false, baseCommit: withRepo ? base : null, config: runConfig() });
    await waitFor(
      `run ${runId}`,
      async () => {
        psSnapshots.push(psArgs());
        return ['succeeded', 'failed', 'cancelled'].includes((await store.read.get(runId)).status);
      },
      60_000,
      150,
    );
    return store.read.report(runId);
  }

  beforeAll(async () => {
    await ensureBuilt();
    redis = await TestRedis.start(['--requirepass', REDIS_PASSWORD]);
    redisUrl = `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`;
    standin = await startStandin({ models: ['standin-small', 'standin-large'] });
    store = new FleetStore(createRedis(redisUrl), prefix);
    const root = tempDir('sec-repo');
    outside = join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), `OUTSIDE-CONTENT-${nonce}\n`);
    repoDir = join(root, 'origin');
    await initRepository(repoDir, { 'README.md': '# demo\n' });
    // A repository may carry a symlink that points out of the worktree: the tools must not follow it.
    symlinkSync(outside, join(repoDir, 'link'));
    g(repoDir, 'add', 'link');
    g(repoDir, 'commit', '--quiet', '-m', 'link out');
    base = g(repoDir, 'rev-parse', 'HEAD');
    // The daemon gets every secret (and the Redis URL with its password) in its environment only.
    daemon = new TestHostd({
      redisUrl,
      prefix,
      slots: 1,
      env: { STANDIN_KEY: API_KEY, MY_TOKEN: HOST_TOKEN, AGENTFLEET_SECRET_NAMES: 'STANDIN_KEY,MY_TOKEN', LOG_LEVEL: 'debug' },
    });
  }, 300_000);

  afterAll(async () => {
    await daemon?.stopAndCleanup(10_000);
    await store?.close();
    await standin?.close();
    await redis?.stop();
    if (repoDir) removeDir(join(repoDir, '..'));
  });

  it('secrets used by an llm task and shell tasks appear in no Redis key, log file, report or ps output', async () => {
    standin.reset();
    standin.enqueue(
      reply.tool('run_command', { command: 'echo "key=$STANDIN_KEY token=$MY_TOKEN"' }),
      reply.tool('write_file', { path: 'notes.txt', content: 'done\n' }),
      reply.tool('finish', { summary: 'used the secrets' }),
    );
    const plan =
      'name: secrets\ndefaults: { env: [MY_TOKEN] }\ntasks:\n' +
      '  - id: model\n    agent: llm\n    prompt: Use the token.\n' +
      '  - id: deploy\n    agent: shell\n    deps: [model]\n    run: echo "deploying with $MY_TOKEN"; sleep 1\n' +
      '  - id: broken\n    agent: shell\n    retries: 0\n    run: echo "auth failed for token $MY_TOKEN" >&2; exit 3\n';
    const report = await run(plan, false);
    const status = Object.fromEntries(report.tasks.map((t) => [t.id, t.status]));
    expect(status).toEqual({ model: 'succeeded', deploy: 'succeeded', broken: 'failed' });
    // The secrets were really there to leak: the key authenticated the worker's model calls, the
    // token (named by the plan) reached the commands; the model read the command's output scrubbed,
    // and the provider's key, which the task did not name, was not in its environment at all.
    expect(standin.modelRequests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
    expect(JSON.stringify(standin.modelRequests.at(-2)!.body.messages)).toContain('key= token=[REDACTED]');
    const deploy = report.tasks.find((t) => t.id === 'deploy')!;
    expect(deploy.outputTail).toMatch(/deploying with \[REDACTED\]/);
    expect(report.tasks.find((t) => t.id === 'broken')!.error!.message).toMatch(/auth failed for token \[REDACTED\]/);

    const env = { REDIS_URL: redisUrl, AGENTFLEET_HOME: daemon.home, AGENTFLEET_CONFIG: join(daemon.home, 'fleet.yaml') };
    writeFileSync(env.AGENTFLEET_CONFIG, `redis: { prefix: ${prefix} }\nhosts: [{ name: h1 }]\nsecrets: [MY_TOKEN]\n`);
    const json = await fleet(['report', report.run.id, '--format', 'json'], env);
    const md = await fleet(['report', report.run.id], env);
    expect(json.code, json.stderr).toBe(0);
    expect(md.stdout).toContain(`# Run ${report.run.id}`);

    const logs = logFiles(daemon.home);
    expect([...logs.keys()].some((p) => /worker-\d+\.log$/.test(p))).toBe(true);
    expect([...logs.values()].join('\n')).toMatch(/task succeeded/);
    const database = await dumpDatabase(redisUrl);
    expect(database).toContain('deploying with [REDACTED]'); // the scan reads values, not only key names
    expectNoSecret('the Redis database', database);
    expect([...logs.values()].join('\n')).toContain('[REDACTED]'); // debug logs carried the commands' output
    for (const [file, text] of logs) expectNoSecret(file, text);
    expectNoSecret('the daemon output', daemon.log);
    expectNoSecret('fleet report --format json', json.stdout + json.stderr);
    expectNoSecret('fleet report (md)', md.stdout + md.stderr);
    expect(psSnapshots.length).toBeGreaterThan(3);
    // redis-server's own command line carries --requirepass: that process is the test's, not the fleet's.
    expectNoSecret('ps -eo args', psSnapshots.flatMap((s) => s.split('\n')).filter((l) => !l.startsWith('redis-server')).join('\n'));
    expect(psSnapshots.some((s) => s.includes('hostd.js'))).toBe(true);
  });

  it("the llm agent's tools refuse ../, absolute paths and symlinks out of the workspace; the file outside is neither read nor changed", async () => {
    standin.reset();
    const secretFile = join(outside, 'secret.txt');
    const before = readFileSync(secretFile, 'utf8');
    const toolResults = (req: RecordedRequest) =>
      (req.body.messages as { role: string; content: unknown }[])
        .filter((m) => m.role === 'tool')
        .map((m) => String(m.content))
        .join('\n');
    standin.enqueue(
      reply.tool('read_file', { path: '../../outside/secret.txt' }),
      reply.tool('read_file', { path: secretFile }),
      reply.tool('read_file', { path: 'link/secret.txt' }),
      reply.tool('write_file', { path: 'link/evil.txt', content: 'pwned\n' }),
      reply.tool('write_file', { path: '../evil.txt', content: 'pwned\n' }),
      reply.tool('apply_patch', { patch: '--- /dev/null\n+++ b/../evil-patch.txt\n@@ -0,0 +1 @@\n+pwned\n' }),
      reply.tool('list_files', { path: 'link' }),
      reply.tool('write_file', { path: '.git/hooks/post-commit', content: '#!/bin/sh\ntouch /tmp/pwned\n' }),
      (req) => reply.tool('finish', { summary: toolResults(req) }),
    );
    const report = await run('name: confine\ntasks:\n  - id: escape\n    agent: llm\n    prompt: Try to leave the workspace.\n', true);
    const task = report.tasks[0]!;
    expect(task.status, JSON.stringify(task.error)).toBe('succeeded');
    const summary = (await store.redis.hget(store.keys.task(report.run.id, 'escape'), 'summary')) ?? '';
    expect(summary).toMatch(/refused: '\.\.\/\.\.\/outside\/secret\.txt' contains '\.\.'/);
    expect(summary).toMatch(/refused: '.*secret\.txt' is an absolute path/);
    expect(summary).toMatch(/refused: 'link\/secret\.txt' resolves through a symlink to outside the workspace/);
    expect(summary).toMatch(/refused: 'link\/evil\.txt' resolves through a symlink/);
    expect(summary).toMatch(/refused: '\.\.\/evil\.txt' contains '\.\.'/);
    expect(summary).toMatch(/refused: '\.\.\/evil-patch\.txt' contains '\.\.'/);
    expect(summary).toMatch(/refused: 'link' resolves through a symlink/);
    expect(summary).toMatch(/refused: '\.git\/hooks\/post-commit' is inside \.git/);
    expect(summary.match(/refused/g)).toHaveLength(8);
    // Nothing outside was read (its content never reached the model) or written.
    expect(JSON.stringify(standin.modelRequests.map((r) => r.body))).not.toContain(`OUTSIDE-CONTENT-${nonce}`);
    expect(readFileSync(secretFile, 'utf8')).toBe(before);
    expect(readdirSync(outside)).toEqual(['secret.txt']);
    expect(existsSync(join(repoDir, '..', 'evil.txt'))).toBe(false);
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('hostile titles and prompts are data: no command runs, the commit message carries the title verbatim; hostile run ids are refused', async () => {
    const marker = join(tempDir('sec-marker'), 'pwned');
    const title = `$(touch ${marker}-a) \`touch ${marker}-b\`; touch ${marker}-c; echo "'"`;
    standin.reset();
    standin.enqueue(reply.tool('write_file', { path: 'x.txt', content: 'x\n' }), reply.tool('finish', { summary: 'ok' }));
    const plan =
      'name: inject\ntasks:\n' +
      `  - id: shell\n    agent: shell\n    title: ${JSON.stringify(title)}\n    run: echo ok > ok.txt\n` +
      `  - id: model\n    agent: llm\n    deps: [shell]\n    title: ${JSON.stringify(title)}\n    prompt: ${JSON.stringify(`${title}\n--upload-pack=touch ${marker}-d`)}\n`;
    const report = await run(plan, true);
    for (const t of report.tasks) expect(t.status, JSON.stringify(t.error)).toBe('succeeded');
    for (const t of report.tasks) {
      const subject = g(repoDir, 'log', '-1', '--format=%s', t.branch!);
      expect(subject).toBe(`fleet: ${report.run.id}/${t.id}: ${title}`);
    }
    for (const suffix of ['a', 'b', 'c', 'd']) expect(existsSync(`${marker}-${suffix}`)).toBe(false);
    removeDir(join(marker, '..'));
    // Run ids end up in keys, branches and file names: only the generated shape is accepted.
    const submit = (runId: string) => store.runs.submit(parsePlan('tasks: [{ id: a, agent: noop }]', 'p.yaml'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: runConfig() });
    for (const runId of ['r1;touch x', '$(id)', '../../etc', 'a b', '-rf']) await expect(submit(runId)).rejects.toBeInstanceOf(InputError);
  });
});

describe.runIf(ok)('Redis over TLS (rediss://)', () => {
  it('a plan runs end to end (CLI, local daemon, BullMQ workers) against a TLS-only redis-server trusting REDIS_TLS_CA_FILE', async () => {
    const dir = tempDir('sec-tls');
    const home = join(dir, 'home');
    mkdirSync(home);
    const certs = generateTestCerts(dir);
    const port = await freePort();
    const redis = new TestRedis(port, redisTlsArgs(certs, port));
    await redis.startProcess();
    const config = join(dir, 'fleet.yaml');
    writeFileSync(config, `redis: { prefix: tls-${process.pid} }\n`);
    writeFileSync(join(dir, 'plan.yaml'), 'name: over-tls\ndefaults: { agent: shell, estimate: 1s }\ntasks:\n  - id: a\n    run: echo a\n  - id: b\n    deps: [a]\n    run: echo b\n');
    const env = { REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_TLS_CA_FILE: certs.caCert, AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: config, AGENTFLEET_SLOTS: '1' };
    try {
      // Without the CA the certificate is not trusted: a clear error, no stack.
      const untrusted = await fleet(['runs'], { ...env, REDIS_TLS_CA_FILE: undefined, NODE_EXTRA_CA_CERTS: undefined });
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toMatch(/^fleet: cannot connect to Redis at rediss:\/\/127\.0\.0\.1:\d+: .*(self[- ]signed|unable to verify|certificate)/i);
      expect(untrusted.stderr).not.toMatch(/\n\s+at /);
      const missing = await fleet(['runs'], { ...env, REDIS_TLS_CA_FILE: join(dir, 'nope.crt') });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/REDIS_TLS_CA_FILE '.*nope\.crt' cannot be read: no such file/);

      const res = await fleet(['run', join(dir, 'plan.yaml'), '--watch'], env);
      expect(res.code, res.stderr + res.stdout).toBe(0);
      const runId = res.stdout.trim().split('\n').at(-1)!;
      const report = JSON.parse((await fleet(['report', runId, '--format', 'json'], env)).stdout) as RunReport;
      expect(report.totals).toMatchObject({ tasks: 2, succeeded: 2 });
      expect(report.tasks.every((t) => t.host === 'local')).toBe(true);
      const hostdLog = readFileSync(join(home, 'logs', 'hostd.log'), 'utf8');
      expect(hostdLog).not.toMatch(/Warning|ECONNRESET|certificate/i);
    } finally {
      await fleet(['down'], env);
      await waitFor('workers gone', () => workerPids(home).length === 0, 20_000);
      await redis.stop();
      removeDir(dir);
    }
  }, 120_000);
});

/** Whether some process listens on 0.0.0.0/[::] or a non-loopback address at this port (from /proc/net/tcp*). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && cols[1]?.endsWith(`:${hexPort}`)) out.push(cols[1].split(':')[0]!);
    }
  }
  return out;
}

describe.runIf(ok)('the monitor binds loopback unless told otherwise', () => {
  it('monitor.listen from fleet.yaml and a bare --listen PORT both bind 127.0.0.1 only', async () => {
    const home = tempDir('sec-monitor');
    const [configPort, barePort] = [await freePort(), await freePort()];
    const config = join(home, 'fleet.yaml');
    writeFileSync(config, `redis: { prefix: secmon-${process.pid} }\nmonitor: { listen: '127.0.0.1:${configPort}' }\n`);
    const env = { REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: config };
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === 'IPv4')?.address;
    const monitors = [await MonitorProcess.start([], env), await MonitorProcess.start(['--listen', String(barePort)], env)];
    try {
      expect(monitors.map((m) => m.url)).toEqual([`http://127.0.0.1:${configPort}`, `http://127.0.0.1:${barePort}`]);
      for (const [m, port] of [[monitors[0]!, configPort], [monitors[1]!, barePort]] as const) {
        expect((await fetch(`${m.url}/healthz`)).status).toBe(200);
        expect(listeners(port)).toEqual(['0100007F']); // 127.0.0.1, nothing else
        if (external) expect(await portOpen(port, external)).toBe(false);
      }
    } finally {
      for (const m of monitors) await m.stop();
      removeDir(home);
    }
  });
});
