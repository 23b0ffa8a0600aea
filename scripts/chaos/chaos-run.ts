// The chaos run: a DAG of shell tasks that each commit a known file, on two sshd test hosts
// (one in a network namespace), while workers are SIGKILLed every few seconds, one host daemon
// is SIGKILLed (and brought back with `fleet up`), Redis is killed and restarted (AOF), and the
// namespaced host is cut off for longer than the heartbeat TTL. Then everything is checked.
// Used by scripts/chaos/main.ts (full size) and test/chaos.test.ts (reduced, in CI).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedis, FleetStore, type RunReport } from '@agentfleet/store';
import { initRepository } from '@agentfleet/workspace';
import {
  FAST_DAEMON_ENV as TUNING,
  FAST_HEARTBEAT_TTL_MS as TTL_MS,
  g,
  MonitorProcess,
  parseExposition,
  removeDir,
  runEnded,
  runFleet as fleet,
  runFleetOk,
  startTestHosts,
  tempDir,
  TestRedis,
  total,
  waitFor,
  type TestHosts,
} from '@agentfleet/testkit';

export interface ChaosOptions {
  tasks: number;
  slotsPerHost: number;
  /** Each task sleeps between these (seconds) so that chaos hits tasks mid-flight. */
  sleep: [number, number];
  workerKillEveryMs: number;
  /** Distinct per caller (test files run in parallel): IP octets and unix user prefixes. */
  firstIp: number;
  netnsOctet: number;
  userPrefix: string;
  log?: (line: string) => void;
}

export interface ChaosResult {
  report: RunReport;
  wallMs: number;
  events: string[];
  workersKilled: number;
  problems: string[];
  figures: Record<string, number | string>;
}

const fleetOk = (args: string[], env: NodeJS.ProcessEnv) => runFleetOk(args, { env });

/** A random DAG; task i writes out/<id>.txt. Deterministic for a given size. */
export function chaosPlan(n: number, sleep: [number, number], repo: string) {
  let seed = 20261121;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const tasks = Array.from({ length: n }, (_, i) => {
    const id = `t${String(i).padStart(3, '0')}`;
    const deps = new Set<string>();
    if (i >= 4) for (let k = 0, m = Math.floor(rnd() * 3); k < m; k++) deps.add(`t${String(Math.floor(rnd() * i)).padStart(3, '0')}`);
    const secs = (sleep[0] + rnd() * (sleep[1] - sleep[0])).toFixed(2);
    return { id, deps: [...deps], run: `mkdir -p out && echo ${id} > out/${id}.txt && sleep ${secs}` };
  });
  return { name: 'chaos', repo: { url: repo, ref: 'main' }, defaults: { agent: 'shell', retries: 6, backoff: '500ms', estimate: `${sleep[1]}s`, timeout: '5m' }, tasks };
}

/** What each task's branch must hold: its own file and those of all its transitive dependencies. */
export function expectedFiles(plan: ReturnType<typeof chaosPlan>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const t of plan.tasks) {
    const files = new Set([`out/${t.id}.txt`]);
    for (const d of t.deps) for (const f of out.get(d)!) files.add(f);
    out.set(t.id, files);
  }
  return out;
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosResult> {
  const log = opts.log ?? (() => undefined);
  const events: string[] = [];
  const event = (e: string) => {
    events.push(`${new Date().toISOString()} ${e}`);
    log(e);
  };
  const problems: string[] = [];
  const dir = tempDir('chaos');
  const prefix = `chaos-${process.pid}`;
  let shore: TestHosts | undefined;
  let isle: TestHosts | undefined;
  let redis: TestRedis | undefined;
  let monitor: MonitorProcess | undefined;
  let store: FleetStore | undefined;
  let env: NodeJS.ProcessEnv = {};
  try {
    [shore, isle] = await Promise.all([
      startTestHosts({ n: 1, firstIp: opts.firstIp, userPrefix: `${opts.userPrefix}s`, names: ['dock'] }),
      startTestHosts({ n: 1, firstIp: opts.netnsOctet, userPrefix: `${opts.userPrefix}i`, names: ['islet'], netns: true }),
    ]);
    const isleAddr = isle.machineAddress.islet!;
    redis = await TestRedis.start(['--bind', '127.0.0.1', isleAddr, '--protected-mode', 'no']);
    const repo = join(dir, 'origin');
    await initRepository(repo, { 'README.md': 'chaos\n' });
    g(repo, 'config', 'core.sharedRepository', '0777');
    // Hosts run as other unix users against this root-owned repository: their global git
    // config (GIT_CONFIG_GLOBAL; git only honours safe.directory there) trusts it.
    const gitconfig = join(dir, 'hosts-gitconfig');
    writeFileSync(gitconfig, '[safe]\n\tdirectory = *\n');
    const GIT_TRUST = { GIT_CONFIG_GLOBAL: gitconfig };
    execFileSync('chmod', ['-R', 'a+rwX', dir]);
    const config = {
      redis: { url: redis.url, prefix },
      heartbeatTtlMs: TTL_MS,
      hosts: [
        { ...shore.hosts[0]!, slots: opts.slotsPerHost, daemonEnv: { ...TUNING, ...GIT_TRUST } },
        { ...isle.hosts[0]!, slots: opts.slotsPerHost, redisUrl: `redis://${isleAddr}:${redis.port}`, daemonEnv: { ...TUNING, ...GIT_TRUST } },
      ],
    };
    writeFileSync(join(dir, 'fleet.yaml'), JSON.stringify(config, null, 2));
    mkdirSync(join(dir, 'home'), { recursive: true });
    env = { ...process.env, AGENTFLEET_CONFIG: join(dir, 'fleet.yaml'), AGENTFLEET_HOME: join(dir, 'home') };
    delete env.REDIS_URL;
    const conn = createRedis(redis.url);
    conn.on('error', () => undefined); // Redis is restarted on purpose below
    store = new FleetStore(conn, prefix);
    await fleetOk(['up'], env);
    await waitFor('both hosts up with idle workers', async () => (await store!.hosts.list()).filter((h) => h.up && h.slots.idle === opts.slotsPerHost).length === 2, 60_000, 200);
    monitor = await MonitorProcess.start(['--listen', '127.0.0.1:0'], { AGENTFLEET_CONFIG: join(dir, 'fleet.yaml'), AGENTFLEET_HOME: join(dir, 'home') });

    const plan = chaosPlan(opts.tasks, opts.sleep, repo);
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const started = Date.now();
    const runId = (JSON.parse(await fleetOk(['run', join(dir, 'plan.json'), '--json'], env)) as { runId: string }).runId;
    event(`run ${runId} submitted (${opts.tasks} tasks)`);
    const progress = async () => {
      const c = (await store!.read.get(runId)).counts;
      return c.succeeded + c.failed + c.skipped + c.cancelled;
    };
    const atFraction = (f: number) => waitFor(`progress ${f}`, async () => (await progress()) >= f * opts.tasks, 600_000, 200);

    // Background: kill a random busy worker every few seconds.
    let killing = true;
    let workersKilled = 0;
    const killer = (async () => {
      while (killing) {
        await new Promise((r) => setTimeout(r, opts.workerKillEveryMs));
        if (!killing) break;
        try {
          const busy = (await store!.hosts.list()).flatMap((h) => h.workers.filter((w) => w.state === 'busy' && w.pid).map((w) => ({ host: h.name, ...w })));
          const victim = busy[Math.floor(Math.random() * busy.length)];
          if (victim?.pid) {
            process.kill(victim.pid, 'SIGKILL');
            workersKilled++;
            event(`SIGKILL worker ${victim.host}-${victim.slot} (pid ${victim.pid}) on ${victim.taskId}`);
          }
        } catch {
          // Redis may be down right now; try again next round
        }
      }
    })();

    await atFraction(0.2);
    const shoreDaemon = Number(execFileSync('sh', ['-c', `pgrep -u ${shore.users[0]} -f 'hostd.js' | head -1`], { encoding: 'utf8' }).trim());
    process.kill(shoreDaemon, 'SIGKILL');
    event(`SIGKILL host daemon of dock (pid ${shoreDaemon})`);
    await new Promise((r) => setTimeout(r, TTL_MS + 1000));
    await fleetOk(['up', 'dock'], env);
    event('dock daemon started again with fleet up');

    await atFraction(0.4);
    await redis.restart(1000);
    event('Redis SIGKILLed and restarted (AOF, fsync always)');

    await atFraction(0.6);
    await isle.cut('islet');
    event('islet cut off (network namespace link down)');
    await waitFor('isle seen down', async () => (await store!.hosts.list()).find((h) => h.name === 'islet')?.up === false, 30_000, 250);
    event('islet reported down (heartbeat TTL expired)');
    await new Promise((r) => setTimeout(r, 2000));
    await isle.restore('islet');
    event('islet link restored');

    const final = await runEnded(store, runId, 900_000, 500);
    killing = false;
    await killer;
    await waitFor('islet back up', async () => (await store!.hosts.list()).find((h) => h.name === 'islet')?.up === true, 60_000, 250);
    event('islet re-registered (up)');
    const wallMs = Date.now() - started;
    event(`run ended: ${final}`);

    // ---- verification
    const report = await store.read.report(runId);
    const run = await store.read.get(runId);
    if (report.run.status !== 'succeeded') problems.push(`run ${report.run.status}: ${report.tasks.filter((t) => t.status !== 'succeeded').map((t) => `${t.id} ${t.status} ${t.error?.kind}: ${t.error?.message}`).join('; ')}`);
    const terminal = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);
    for (const t of report.tasks) if (!terminal.has(t.status)) problems.push(`task ${t.id} not terminal: ${t.status}`);
    const expected = expectedFiles(plan);
    for (const t of report.tasks.filter((x) => x.status === 'succeeded')) {
      const files = g(repo, 'ls-tree', '-r', '--name-only', t.branch!, 'out/').split('\n').filter(Boolean);
      const want = [...expected.get(t.id)!].sort();
      if (files.sort().join(',') !== want.join(',')) problems.push(`branch of ${t.id} holds ${files.join(',')}; expected ${want.join(',')}`);
      const own = g(repo, 'show', `${t.branch}:out/${t.id}.txt`);
      if (own !== t.id) problems.push(`out/${t.id}.txt on its branch says '${own}'`);
      if (t.commit !== g(repo, 'rev-parse', t.branch!)) problems.push(`task ${t.id}: recorded commit is not its branch tip`);
    }
    // Recorded once: durable counters (incremented by the DAG script on the first completion only).
    const stats = await store.figures.readStats();
    const statsSucceeded = stats.tasks.filter((s) => s.status === 'succeeded').reduce((a, s) => a + s.count, 0);
    if (statsSucceeded !== report.totals.succeeded) problems.push(`durable succeeded counter ${statsSucceeded} != report ${report.totals.succeeded} (a result recorded twice or lost)`);
    if (run.counts.succeeded !== report.totals.succeeded || run.counts.failed !== report.totals.failed) problems.push(`run counts ${JSON.stringify(run.counts)} disagree with the report totals ${JSON.stringify(report.totals)}`);
    const samples = parseExposition(await monitor.scrape());
    const monitorSucceeded = total(samples, 'agentfleet_tasks_total', { status: 'succeeded' });
    if (monitorSucceeded !== report.totals.succeeded) problems.push(`monitor says ${monitorSucceeded} succeeded, the report ${report.totals.succeeded}`);
    const retried = report.tasks.filter((t) => t.attempts > 1).length;
    return {
      report,
      wallMs,
      events,
      workersKilled,
      problems,
      figures: { tasks: opts.tasks, succeeded: report.totals.succeeded, failed: report.totals.failed, tasksWithMoreThanOneAttempt: retried, attemptsTotal: report.tasks.reduce((a, t) => a + t.attempts, 0), workersKilled, wallSeconds: Math.round(wallMs / 1000), monitorSucceeded, statsSucceeded },
    };
  } finally {
    await isle?.restore('islet').catch(() => undefined);
    if (env.AGENTFLEET_CONFIG) await fleet(['down', '--timeout', '10', '--kill'], { env }).catch(() => undefined);
    await monitor?.stop().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await Promise.all([shore?.down(), isle?.down()]);
    await redis?.stop();
    removeDir(dir);
  }
}
