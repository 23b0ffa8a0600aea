// Scale: many worker processes across two sshd test hosts and a 10k-task run. Figures: RSS per
// worker, daemon CPU at idle, Redis commands per task, dispatch latency p50/p99. Baselines in
// the same run: a bare BullMQ worker process's RSS, and raw BullMQ's commands per job.
//   npx vite-node scripts/bench/scale.ts [--workers 200] [--tasks 10000]    (root: test hosts)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { FleetStore } from '@agentfleet/store';
import { repoRoot } from '@agentfleet/testkit';
import { arg, machine, percentile, printTable } from './common.js';
import { runToEnd } from './local-fleet.js';
import { startSshFleet } from './ssh-fleet.js';
import { randomDagTasks } from './dags.js';

const WORKERS = arg('workers', 200);
const TASKS = arg('tasks', 10_000);
const CLK_TCK = 100;

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

async function commandsProcessed(store: FleetStore): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await store.redis.info('stats'))?.[1]);
}

/** A bare BullMQ worker process (the baseline for memory) and raw BullMQ's commands per job. */
async function rawBaseline(url: string, store: FleetStore): Promise<{ rss: number; commandsPerJob: number }> {
  const u = new URL(url);
  const queue = new Queue('raw', { connection: { host: u.hostname, port: Number(u.port) }, prefix: 'rawscale' });
  const workers = Array.from({ length: 4 }, () => spawn(process.execPath, [join(repoRoot, 'scripts/bench/raw-worker.mjs'), url, 'raw', 'rawscale'], { stdio: 'ignore' }));
  await new Promise((r) => setTimeout(r, 2000));
  const n = 2000;
  const before = await commandsProcessed(store);
  await queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'noop', data: { i }, opts: { removeOnComplete: { count: 1000 } } })));
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active');
    if ((c.waiting ?? 0) + (c.active ?? 0) === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const commandsPerJob = ((await commandsProcessed(store)) - before) / n;
  const rss = workers.reduce((a, w) => a + rssOf(w.pid!), 0) / workers.length;
  for (const w of workers) w.kill('SIGTERM');
  await queue.close();
  return { rss, commandsPerJob };
}

const perHost = [Math.ceil(WORKERS / 2), Math.floor(WORKERS / 2)];
const fleet = await startSshFleet({ names: ['big1', 'big2'], slots: perHost, firstIp: 120, userPrefix: 'afscale' });
try {
  console.log(`scale benchmark: ${WORKERS} worker processes on 2 sshd test hosts (${perHost.join(' + ')}), ${TASKS} noop tasks; ${machine()}`);
  const hosts = await fleet.store.hosts.list();
  const workerPids = hosts.flatMap((h) => h.workers.map((w) => w.pid!).filter(Boolean));
  const rss = workerPids.map(rssOf).sort((a, b) => a - b);
  const daemonPids = hosts.map((h) => h.workers[0]?.pid).filter(Boolean).map((pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]));
  const idleWindow = 10;
  const cpu0 = daemonPids.map(cpuSeconds);
  const wcpu0 = workerPids.reduce((a, p) => a + cpuSeconds(p), 0);
  await new Promise((r) => setTimeout(r, idleWindow * 1000));
  const daemonIdle = daemonPids.map((p, i) => (cpuSeconds(p) - cpu0[i]!) / idleWindow);
  const workersIdle = (workerPids.reduce((a, p) => a + cpuSeconds(p), 0) - wcpu0) / idleWindow;

  const before = await commandsProcessed(fleet.store);
  const { report, wallMs } = await runToEnd(fleet.store, randomDagTasks(TASKS), 'deps');
  const commandsPerTask = ((await commandsProcessed(fleet.store)) - before) / TASKS;
  if (report.run.status !== 'succeeded') throw new Error(`run ${report.run.status}`);
  const fin = new Map(report.tasks.map((t) => [t.id, Date.parse(t.finishedAt!)]));
  const lat = report.tasks.filter((t) => t.deps.length).map((t) => Date.parse(t.startedAt!) - Math.max(...t.deps.map((d) => fin.get(d)!))).sort((a, b) => a - b);
  const hostsUsed = new Set(report.tasks.map((t) => t.host)).size;
  const raw = await rawBaseline(fleet.redis.url, fleet.store);
  const mib = (b: number) => (b / 1024 ** 2).toFixed(1);
  printTable([
    ['measure', 'baseline', 'agentfleet', 'ratio'],
    ['RSS per worker, p50 (MiB) [baseline: bare BullMQ worker]', mib(raw.rss), mib(percentile(rss, 50)), (percentile(rss, 50) / raw.rss).toFixed(2)],
    ['RSS per worker, max (MiB)', '', mib(rss.at(-1)!), ''],
    ['host daemon CPU at idle (share of a core), per daemon', '', daemonIdle.map((c) => c.toFixed(3)).join(' / '), ''],
    [`all ${workerPids.length} idle workers' CPU (share of a core)`, '', workersIdle.toFixed(3), ''],
    ['Redis commands per task [baseline: raw BullMQ per job]', raw.commandsPerJob.toFixed(1), commandsPerTask.toFixed(1), (commandsPerTask / raw.commandsPerJob).toFixed(2)],
    ['dispatch latency p50 (ms), dep finish -> dependent start', '', percentile(lat, 50).toFixed(0), ''],
    ['dispatch latency p99 (ms)', '', percentile(lat, 99).toFixed(0), ''],
    ['run wall time (s), throughput (tasks/s)', '', `${(wallMs / 1000).toFixed(1)}, ${(TASKS / (wallMs / 1000)).toFixed(0)}`, ''],
  ]);
  console.log(`hosts used: ${hostsUsed}`);
} finally {
  await fleet.stop();
}
