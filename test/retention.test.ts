// Retention through the real daemon: finished runs past retention.runs are archived by the
// daemon holding the reconciler lease, then removed from Redis with their BullMQ jobs (keys and
// memory back to the baseline); `fleet report` and `fleet logs` read the archive, over SSH when
// it is on a remote host; runs still going and pinned runs stay; nothing goes unarchived.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeRunId, parsePlan } from '@agentfleet/core';
import type { FleetStore, RunReport } from '@agentfleet/store';
import { canRunTestHosts, ensureBuilt, removeDir, requireBinaries, runEnded, runFleet, startTestHosts, tempDir, TestHostd, testStore, waitFor, type TestHosts } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
const KEEP_MS = 1500;

let store: FleetStore;
let daemon: TestHostd;
let home: string;

const PLAN = `name: nightly
defaults: { agent: noop, estimate: 1s }
tasks:
${Array.from({ length: 20 }, (_, i) => `  - { id: t${i}${i ? `, deps: [t${i - 1}]` : ''} }`).join('\n')}
  - { id: talk, agent: shell, run: "echo said-something; seq 1 50" }
`;

async function submit(yaml = PLAN): Promise<string> {
  const runId = makeRunId(new Date());
  await store.runs.submit(parsePlan(yaml, 'plan.yaml'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: { providers: [], pricing: {}, budgets: {}, git: { author: 'agentfleet <fleet@localhost>' } } });
  return runId;
}

/**
 * Keys under the store's prefix and the memory they use (MEMORY USAGE: only ours, whatever other
 * tests do), leaving out the keys of runs still going: they come into being whenever their
 * workers get to them, which is no part of what retention gives back; nor is BullMQ's `stalled`
 * set, which its stalled-job check fills with the active jobs (the run going) and empties again.
 */
async function footprint(going: string[] = []): Promise<{ keys: number; bytes: number; names: string[] }> {
  const keys = (await store.redis.keys(`${store.prefix}:*`)).filter((k) => !k.endsWith(':hb') && !k.includes(':lease:') && !k.endsWith(':stalled') && !going.some((id) => k.includes(id)));
  let bytes = 0;
  for (const k of keys) bytes += Number((await store.redis.memory('USAGE', k)) ?? 0);
  return { keys: keys.length, bytes, names: keys.sort() };
}

const archived = (runId: string) =>
  waitFor(`run ${runId} archived`, async () => {
    const loc = await store.archives.get(runId);
    return loc && !(await store.redis.exists(store.keys.run(runId))) ? loc : undefined;
  }, 30_000, 200);
const cli = (args: string[], config: string) => runFleet(args, { env: { ...process.env, REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: config }, timeoutMs: 60_000 });

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  store = testStore('retention', inject('redisUrl'));
  home = tempDir('retention-cli');
  writeFileSync(join(home, 'fleet.yaml'), `redis: { prefix: ${store.prefix} }\n`);
  daemon = new TestHostd({ redisUrl: inject('redisUrl'), prefix: store.prefix, slots: 2, env: { AGENTFLEET_RETENTION_RUNS_MS: String(KEEP_MS), AGENTFLEET_RETENTION_EVERY_MS: '300' } });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await daemon.stopAndCleanup(10_000);
  await store.close();
  removeDir(home);
});

describe.runIf(ok)('retention', () => {
  let runId: string;
  let before: RunReport;

  it('archives a finished run past its age and removes it from Redis: keys and memory back to the baseline; a run still going stays', async () => {
    const going = await submit('name: long\ntasks:\n  - { id: slow, agent: shell, run: "sleep 25" }\n');
    // a first run brings the queues and the fleet's own keys into being: the baseline is after it
    await runEnded(store, await submit(), 30_000).then(async (s) => expect(s).toBe('succeeded'));
    const warm = (await store.read.list({ limit: 5 })).find((r) => r.name === 'nightly')!.id;
    await archived(warm);
    const baseline = await footprint([going]);

    runId = await submit();
    expect(await runEnded(store, runId, 30_000)).toBe('succeeded');
    before = await store.read.report(runId);
    const peak = await footprint([going]);
    expect(peak.keys).toBeGreaterThan(baseline.keys + 20);
    const loc = await archived(runId);
    expect(loc).toMatchObject({ runId, host: daemon.host, name: 'nightly', status: 'succeeded', tasks: 21 });
    expect(loc.path).toBe(join(daemon.home, 'archive', `${runId}.json.gz`));

    const after = await footprint([going]);
    expect(after.names).toEqual(baseline.names);
    // BullMQ's own event stream (capped by BullMQ) keeps a little of every run
    expect(after.bytes - baseline.bytes, JSON.stringify({ baseline: baseline.bytes, peak: peak.bytes, after: after.bytes })).toBeLessThan((peak.bytes - baseline.bytes) * 0.2);
    expect(await store.redis.keys(`${store.prefix}:*${runId}*`)).toEqual([]);

    // the run still going was never touched
    expect((await store.read.get(going)).status).toBe('running');
    await store.runs.cancel(going);
  }, 90_000);

  it('fleet report and fleet logs still read an archived run', async () => {
    const config = join(home, 'fleet.yaml');
    const md = await cli(['report', runId], config);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(`# Run ${runId} — nightly`);
    expect(md.stdout).toContain('succeeded 21');
    const json = JSON.parse((await cli(['report', runId, '--format', 'json'], config)).stdout) as RunReport;
    expect(json).toEqual(JSON.parse(JSON.stringify(before)));
    const logs = await cli(['logs', runId, 'talk'], config);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('| said-something');
  });

  it('a pinned run (an unfinished eval refers to it) is kept until unpinned', async () => {
    const pinned = await submit();
    await store.archives.pin(pinned, 'eval e1');
    expect(await runEnded(store, pinned, 30_000)).toBe('succeeded');
    await new Promise((r) => setTimeout(r, KEEP_MS + 1500));
    expect(await store.redis.exists(store.keys.run(pinned))).toBe(1);
    const dry = await cli(['prune', '--older-than', '1s', '--dry-run'], join(home, 'fleet.yaml'));
    expect(dry.stdout).toContain(`kept ${pinned}: pinned by eval e1`);
    await store.archives.unpin(pinned);
    await archived(pinned);
  }, 60_000);

  it('fleet prune archives before it removes: an archive it cannot write keeps the run', async () => {
    await daemon.stop(10_000); // only the CLI prunes now
    try {
      await pruneByHand();
    } finally {
      daemon.restart();
    }
  }, 90_000);
});

async function pruneByHand(): Promise<void> {
  {
    const runLeft = await submit();
    const helper = new TestHostd({ redisUrl: inject('redisUrl'), prefix: store.prefix, slots: 1, host: 'h2' });
    try {
      expect(await runEnded(store, runLeft, 30_000)).toBe('succeeded');
    } finally {
      await helper.stopAndCleanup(10_000);
    }
    const badHome = tempDir('retention-bad');
    writeFileSync(join(badHome, 'archive'), 'a file where the archive folder should be');
    const r = await runFleet(['prune', '--older-than', '1s'], { env: { ...process.env, REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: badHome, AGENTFLEET_CONFIG: join(home, 'fleet.yaml') }, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`not archived ${runLeft}`);
    expect(await store.redis.exists(store.keys.run(runLeft))).toBe(1);
    expect(await store.archives.get(runLeft)).toBeNull();
    removeDir(badHome);
    const good = await cli(['prune', '--older-than', '1s'], join(home, 'fleet.yaml'));
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain(`archived ${runLeft} -> ${join(home, 'archive', `${runLeft}.json.gz`)}`);
    expect(await store.redis.exists(store.keys.run(runLeft))).toBe(0);
  }
}

const sshOk = ok && canRunTestHosts();

describe.runIf(sshOk)('an archive on a remote host', () => {
  let th: TestHosts;
  beforeAll(async () => {
    th = await startTestHosts({ n: 1, firstIp: 81, userPrefix: 'afret', names: ['arch'] });
  }, 120_000);
  afterAll(async () => th?.down());

  it('fleet report reads it over SSH', async () => {
    const runId = await submit();
    expect(await runEnded(store, runId, 30_000)).toBe('succeeded');
    const loc = await archived(runId);
    // the archive as the host `arch` of fleet.yaml holds it, in its user's home
    const remotePath = `/home/${th.users[0]}/${runId}.json.gz`;
    copyFileSync(loc.path, remotePath);
    await store.archives.record({ ...loc, host: 'arch', path: remotePath });
    const config = join(home, 'remote.yaml');
    writeFileSync(config, `${readFileSync(th.fleetYaml, 'utf8')}\nredis: { prefix: ${store.prefix} }\n`);
    const md = await cli(['report', runId], config);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(`# Run ${runId} — nightly`);
    await store.archives.record({ ...loc, host: 'arch', path: `/home/${th.users[0]}/gone.json.gz` });
    const gone = await cli(['report', runId], config);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`the archive of run ${runId} is on arch at /home/${th.users[0]}/gone.json.gz`);
  }, 90_000);
});
