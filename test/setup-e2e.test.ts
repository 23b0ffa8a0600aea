// A fresh worktree of a real project is ready to work in: repo.setup (`npm ci --offline` of a
// real npm project whose dependencies are vendored tarballs) runs on a slot's first task and
// again only when its key files change; node_modules survives the clean and is never committed;
// the host's npm cache is shared by its slots; host files are copied in and never leave the
// host. Real host daemons, git repositories, npm and Redis; no network, no model.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeRunId, parsePlan } from '@agentfleet/core';
import type { FleetStore, RunConfig, RunReport, TaskReport } from '@agentfleet/store';
import { resolveRef, showFile } from '@agentfleet/workspace';
import {
  commit, ensureBuilt, filesContaining, g, makeNpmProject, noConfig, npmCacheKeys, redisDump, removeDir, requireBinaries, runEnded, startStandin, tempDir, TestHostd, testStore, waitFor,
  type NpmPackage, type OpenAIStandin,
} from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git', 'npm');
const SETUP = 'npm ci --offline --no-audit --no-fund';
const HOST_SECRET = `host-file-secret-${process.pid}`;

let store: FleetStore;
let root: string;
let repo: string;
let packages: NpmPackage[];
const daemons: TestHostd[] = [];
let hosts = 0;

function planYaml(tasks: string, setup = `{ run: ${SETUP}, key: [package-lock.json], keep: [node_modules] }`): string {
  return `name: setup\nrepo: { url: ${repo}, setup: ${setup} }\ndefaults: { agent: shell, retries: 2 }\ntasks:\n${tasks}`;
}

async function run(yaml: string, config: RunConfig = noConfig): Promise<RunReport> {
  const plan = parsePlan(yaml, 'plan.yaml');
  const runId = makeRunId(new Date());
  await store.runs.submit(plan, { runId, schedule: 'deps', failFast: false, baseCommit: await resolveRef(repo, 'main'), config });
  await runEnded(store, runId, 120_000);
  return store.read.report(runId);
}

const taskOf = (r: RunReport, id: string): TaskReport => r.tasks.find((t) => t.id === id)!;
const setupOf = (t: TaskReport) => t.history.map((h) => h.setup);
const failures = (r: RunReport) => JSON.stringify(r.tasks.filter((t) => t.status !== 'succeeded').map((t) => [t.id, t.error]));

function daemon(slots: number, env: Record<string, string> = {}): TestHostd {
  const d = new TestHostd({ redisUrl: inject('redisUrl'), prefix: store.prefix, slots, host: `setup${++hosts}`, env });
  daemons.push(d);
  return d;
}

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  store = testStore('setup-e2e', inject('redisUrl'));
  root = tempDir('setup-e2e');
  repo = join(root, 'origin');
  mkdirSync(repo);
  ({ packages } = await makeNpmProject(repo, { count: 12, files: { 'README.md': '# app\n' } }));
}, 300_000);

// Each test has its daemons to itself: they share the store's queues.
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stopAndCleanup(10_000)));
});

afterAll(async () => {
  if (!ok) return;
  await store.close();
  removeDir(root);
});

describe.runIf(ok)('workspace setup with caches', () => {
  it('the first task on a slot runs npm ci (offline, into the empty shared cache), the next reuse node_modules, a base that changes the lock runs it again; node_modules is never committed', async () => {
    const d = daemon(1);
    const [first, , last] = [packages[0]!, packages[1]!, packages.at(-1)!];
    // The last task's base drops one dependency from package.json and the lock, as `npm uninstall` would.
    const dropDep = `node -e "const f=require('fs');for(const p of ['package.json','package-lock.json']){const j=JSON.parse(f.readFileSync(p,'utf8'));const deps=p==='package.json'?j.dependencies:j.packages[''].dependencies;delete deps['${last.name}'];if(j.packages)delete j.packages['node_modules/${last.name}'];f.writeFileSync(p,JSON.stringify(j,null,2))}"`;
    const report = await run(
      planYaml(`  - id: one
    run: test -f node_modules/${first.name}/package.json && echo "$AGENTFLEET_SLOT $AGENTFLEET_PORT_BASE" > slot.txt
  - id: two
    deps: [one]
    run: test -f node_modules/${last.name}/package.json
  - id: bump
    deps: [two]
    run: ${JSON.stringify(dropDep)}
  - id: after-bump
    deps: [bump]
    run: test -f node_modules/${first.name}/package.json && test ! -e node_modules/${last.name}
`),
    );
    expect(report.run.status, failures(report)).toBe('succeeded');
    expect(report.tasks.map((t) => [t.id, setupOf(t)])).toEqual([['one', ['ran']], ['two', ['reused']], ['bump', ['reused']], ['after-bump', ['ran']]]);
    expect(taskOf(report, 'one').history[0]!.setupMs).toBeGreaterThan(0);
    expect(await showFile(repo, taskOf(report, 'one').branch!, 'slot.txt')).toBe('0 20000\n');
    for (const t of report.tasks) expect(await showFile(repo, t.branch!, `node_modules/${first.name}/package.json`), t.id).toBeNull();
    // Offline, from an empty cache: what npm stored there are the vendored tarballs, nothing else.
    const keys = npmCacheKeys(join(d.home, 'cache', 'npm'));
    expect(keys.length).toBeGreaterThanOrEqual(packages.length);
    for (const k of keys) expect(k).toMatch(new RegExp(`^pacote:tarball:file:${d.home}/slots/[^/]+/wt/vendor/[^/]+\\.tgz$`));
  }, 180_000);

  it('a failing setup fails the task as setup_failed with its output, starts no agent and spends no retry', async () => {
    daemon(1);
    const standin: OpenAIStandin = await startStandin();
    try {
      const config: RunConfig = { ...noConfig, providers: [{ name: 'standin', baseURL: standin.url, models: { low: 'standin-small', medium: 'standin-small', high: 'standin-small' }, timeoutMs: 20_000, cooldownMs: 60_000, api: 'chat', spill: 'when-down' }] };
      const report = await run(planYaml('  - id: build\n    agent: llm\n    prompt: Build it.\n', "{ run: 'echo cannot install: registry unreachable >&2; exit 7' }"), config);
      const t = taskOf(report, 'build');
      expect(t).toMatchObject({ status: 'failed', attempts: 1, error: { kind: 'setup_failed' } });
      expect(t.error!.message).toBe("task build: setup 'echo cannot install: registry unreachable >&2; exit 7' failed (exit code 7): cannot install: registry unreachable");
      expect(t.outputTail).toBe('cannot install: registry unreachable\n');
      expect(standin.modelRequests).toEqual([]);
      expect(setupOf(t)).toEqual([null]);
    } finally {
      await standin.close();
    }
  });

  it('two slots of one host share its npm cache: a slot whose checkout has no tarballs left installs from what the other slot cached', async () => {
    const d = daemon(2);
    // Both workers take work before the pair is queued (on a busy machine the second one starts late).
    await waitFor('both workers idle', async () => (await store.hosts.list()).find((h) => h.name === d.host)?.slots.idle === 2, 60_000, 200).catch((e: Error) => {
      throw new Error(`${e.message}\n${d.log}`);
    });
    const warm = await run(planYaml('  - id: warm\n    run: "true"\n'));
    expect(warm.run.status, failures(warm)).toBe('succeeded');
    const warmWorker = taskOf(warm, 'warm').worker;
    // The tarballs leave the repository (the lock stays as it was: the setup key does not change).
    g(repo, 'rm', '-rq', 'vendor');
    g(repo, 'commit', '-qm', 'vendor/ goes');
    const pair = await run(planYaml(`  - id: x\n    run: sleep 2 && test -d node_modules/${packages[0]!.name} && test ! -e vendor\n  - id: y\n    run: sleep 2 && test -d node_modules/${packages[0]!.name} && test ! -e vendor\n`));
    expect(pair.run.status, failures(pair)).toBe('succeeded');
    const byWorker = new Map(pair.tasks.map((t) => [t.worker, setupOf(t)[0]]));
    expect(byWorker.size).toBe(2);
    expect(byWorker.get(warmWorker)).toBe('reused');
    expect([...byWorker.entries()].filter(([w]) => w !== warmWorker).map(([, s]) => s)).toEqual(['ran']);
    expect(npmCacheKeys(join(d.home, 'cache', 'npm')).every((k) => k.includes(`${d.home}/slots/`))).toBe(true);
    g(repo, 'revert', '--no-edit', 'HEAD'); // the tarballs come back for the tests after this one
  }, 180_000);
});

describe.runIf(ok)('host files', () => {
  it('are in the workspace before setup, out of every commit (also the agent\'s own git add -A), and in no Redis key or log', async () => {
    const dir = join(root, 'host-files');
    mkdirSync(join(dir, 'cfg'), { recursive: true });
    writeFileSync(join(dir, 'app.env'), `TOKEN=${HOST_SECRET}\n`);
    writeFileSync(join(dir, 'cfg', 'creds.json'), `{"secret":"${HOST_SECRET}"}\n`);
    const files = [{ from: join(dir, 'app.env'), to: '.env' }, { from: join(dir, 'cfg', 'creds.json'), to: 'config/creds.json' }];
    const d = daemon(1, { AGENTFLEET_FILES: JSON.stringify(files), LOG_LEVEL: 'debug' });
    const setup = `{ run: 'test -s .env && test -s config/creds.json && ${SETUP}', key: [package-lock.json], keep: [node_modules] }`;
    const report = await run(
      planYaml(
        `  - id: uses-them
    run: grep -q '^TOKEN=' .env && s=$(git status --porcelain --untracked-files=all) && printf '%s' "$s" > status.txt && git add -A && git -c user.name=a -c user.email=a@b commit -qm agent
    check: test -s config/creds.json
`,
        setup,
      ),
    );
    const t = taskOf(report, 'uses-them');
    expect(t.status, JSON.stringify(t.error)).toBe('succeeded');
    expect(setupOf(t)).toEqual(['ran']);
    expect(await showFile(repo, t.branch!, '.env')).toBeNull();
    expect(await showFile(repo, t.branch!, 'config/creds.json')).toBeNull();
    // The agent's git saw neither (the slot's exclude file), nor node_modules.
    expect(await showFile(repo, t.branch!, 'status.txt')).toBe('');
    expect(await redisDump(inject('redisUrl'))).not.toContain(HOST_SECRET);
    expect(filesContaining(join(d.home, 'logs'), HOST_SECRET)).toEqual([]);
    expect(d.log).not.toContain(HOST_SECRET);

    // A repository that tracks `.env` keeps it: the copy is refused with a clear message.
    const tracked = join(root, 'tracks-env');
    mkdirSync(tracked);
    g(tracked, 'init', '-q', '-b', 'main');
    commit(tracked, { '.env': 'TRACKED=1\n' }, 'tracks .env');
    const plan = parsePlan(`name: tracked\nrepo: { url: ${tracked} }\ntasks:\n  - id: t\n    agent: shell\n    run: "true"\n`, 'plan.yaml');
    const runId = makeRunId(new Date());
    await store.runs.submit(plan, { runId, schedule: 'deps', failFast: false, baseCommit: await resolveRef(tracked, 'main'), config: noConfig });
    await runEnded(store, runId, 60_000);
    const refused = (await store.read.report(runId)).tasks[0]!;
    expect(refused).toMatchObject({ status: 'failed', attempts: 1, error: { kind: 'setup_failed' } });
    expect(refused.error!.message).toBe(`task t: host file .env (files in fleet.yaml for host ${d.host}) would overwrite what the repository tracks: refused; choose another 'to'`);
    expect(g(tracked, 'show', 'main:.env')).toBe('TRACKED=1');
  }, 120_000);
});
