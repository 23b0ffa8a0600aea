// Dispatch benchmark: N noop tasks in a DAG on agentfleet vs raw BullMQ processing N no-op
// jobs, same number of worker processes, same Redis, one run.
//   npx vite-node scripts/bench/dispatch.ts [--tasks 10000] [--workers 4]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { makeRunId, type TaskSpec } from '@agentfleet/core';
import { createRedis, FleetStore } from '@agentfleet/store';
import { hostdScript, noConfig, plan, removeDir, repoRoot, tempDir } from '@agentfleet/testkit';
import { arg, machine, percentile, printTable, startRedis } from './common.js';
import { randomDagTasks } from './dags.js';

const TASKS = arg('tasks', 10_000);
const WORKERS = arg('workers', 4);

async function rawBullmq(url: string): Promise<{ elapsed: number; workerCpuPerJobMs: number }> {
  const prefix = 'rawbench';
  const u = new URL(url);
  const queue = new Queue('raw', { connection: { host: u.hostname, port: Number(u.port) }, prefix });
  const workers: ChildProcess[] = [];
  for (let i = 0; i < WORKERS; i++) workers.push(spawn(process.execPath, [join(repoRoot, 'scripts/bench/raw-worker.mjs'), url, 'raw', prefix], { stdio: 'inherit' }));
  await new Promise((r) => setTimeout(r, 1500)); // workers connected and blocking
  const cpuBefore = workers.map((w) => procCpu(w.pid!));
  const t0 = performance.now();
  for (let i = 0; i < TASKS; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, TASKS - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: { count: 1000 } } })));
  }
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'completed');
    if (c.waiting === 0 && c.active === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = performance.now() - t0;
  const workerCpuMs = workers.reduce((a, w, i) => a + procCpu(w.pid!) - cpuBefore[i]!, 0) * 1000;
  for (const w of workers) w.kill('SIGTERM');
  await queue.close();
  return { elapsed, workerCpuPerJobMs: workerCpuMs / TASKS };
}

/** Seconds of CPU a process has used (user + sys), from /proc. */
function procCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Seconds of CPU redis-server has used (user + sys). */
async function redisCpu(store: FleetStore): Promise<number> {
  const info = await store.redis.info('cpu');
  return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);
}

/** WORKERS independent chains: a dependent is ready exactly when a slot frees up, so the gap is pure dispatch latency. */
function chains(n: number): TaskSpec[] {
  return randomDagTasks(n).map((t, i) => ({ ...t, id: `c${i}`, title: `c${i}`, deps: i >= WORKERS ? [`c${i - WORKERS}`] : [] }));
}

async function agentfleet(url: string, tasks: TaskSpec[], prefix: string): Promise<{ elapsed: number; latencies: number[]; commandsPerTask: number; redisCpuShare: number; workerCpuPerTaskMs: number; daemonCpuPerTaskMs: number; redisCpuPerTaskMs: number }> {
  const home = tempDir('bench-home');
  const store = new FleetStore(createRedis(url), prefix);
  // BENCH_PROFILE=dir: CPU profiles of the daemon and its workers (fork passes execArgv on).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const hostd = spawn(process.execPath, [...profile, hostdScript], {
    env: { ...process.env, REDIS_URL: url, AGENTFLEET_PREFIX: prefix, AGENTFLEET_HOME: home, AGENTFLEET_HOST: 'bench', AGENTFLEET_SLOTS: String(WORKERS), AGENTFLEET_MIN_DISK_FREE: '0', LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
  for (;;) {
    const h = (await store.hosts.list())[0];
    if (h && h.workers.filter((w) => w.state === 'idle').length === WORKERS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const runId = makeRunId(new Date());
  const statsBefore = Number(/total_commands_processed:(\d+)/.exec(await store.redis.info('stats'))?.[1]);
  const cpuBefore = await redisCpu(store);
  const pids = [hostd.pid!, ...(await store.hosts.list()).flatMap((h) => h.workers.map((w) => w.pid!).filter(Boolean))];
  const procBefore = pids.map(procCpu);
  const t0 = performance.now();
  await store.runs.submit(plan(tasks, 'bench'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
  for (;;) {
    if ((await store.read.get(runId)).status === 'succeeded') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = performance.now() - t0;
  const statsAfter = Number(/total_commands_processed:(\d+)/.exec(await store.redis.info('stats'))?.[1]);
  const redisBusy = (await redisCpu(store)) - cpuBefore;
  const procAfter = pids.map(procCpu);
  const daemonCpuMs = (procAfter[0]! - procBefore[0]!) * 1000;
  const workersCpuMs = procAfter.slice(1).reduce((a, v, i) => a + v - procBefore[i + 1]!, 0) * 1000;
  const report = await store.read.report(runId);
  const fin = new Map(report.tasks.map((t) => [t.id, Date.parse(t.finishedAt!)]));
  const latencies = report.tasks.filter((t) => t.deps.length).map((t) => Date.parse(t.startedAt!) - Math.max(...t.deps.map((d) => fin.get(d)!))).sort((a, b) => a - b);
  hostd.kill('SIGTERM');
  await new Promise((r) => hostd.once('exit', r));
  await store.close();
  removeDir(home);
  return { elapsed, latencies, commandsPerTask: (statsAfter - statsBefore) / tasks.length, redisCpuShare: redisBusy / (elapsed / 1000), workerCpuPerTaskMs: workersCpuMs / tasks.length, daemonCpuPerTaskMs: daemonCpuMs / tasks.length, redisCpuPerTaskMs: (redisBusy * 1000) / tasks.length };
}

const redis = await startRedis();
try {
  console.log(`dispatch benchmark: ${TASKS} tasks, ${WORKERS} worker processes; ${machine()}`);
  const { elapsed: raw, workerCpuPerJobMs } = await rawBullmq(redis.url);
  const af = await agentfleet(redis.url, randomDagTasks(TASKS), 'afbench');
  const chain = await agentfleet(redis.url, chains(Math.min(TASKS, 2000)), 'afchain');
  const rawTput = TASKS / (raw / 1000);
  const afTput = TASKS / (af.elapsed / 1000);
  printTable([
    ['measure', 'raw BullMQ', 'agentfleet DAG', 'ratio'],
    ['makespan (s)', (raw / 1000).toFixed(2), (af.elapsed / 1000).toFixed(2), ''],
    ['throughput (tasks/s)', rawTput.toFixed(0), afTput.toFixed(0), (afTput / rawTput).toFixed(2)],
    ['dep finish -> dependent start p50 (ms), chains', '-', percentile(chain.latencies, 50).toFixed(0), ''],
    ['dep finish -> dependent start p99 (ms), chains', '-', percentile(chain.latencies, 99).toFixed(0), ''],
    ['dep finish -> dependent start p50 (ms), wide DAG (incl. queueing)', '-', percentile(af.latencies, 50).toFixed(0), ''],
    ['redis commands per task (incl. BullMQ)', '-', af.commandsPerTask.toFixed(1), ''],
    ['redis-server CPU busy share during the run', '-', af.redisCpuShare.toFixed(2), ''],
    ['worker processes\' CPU per task (ms)', workerCpuPerJobMs.toFixed(2), af.workerCpuPerTaskMs.toFixed(2), (af.workerCpuPerTaskMs / workerCpuPerJobMs).toFixed(2)],
    ['CPU per task (ms): workers / host daemon / redis-server', '-', `${af.workerCpuPerTaskMs.toFixed(2)} / ${af.daemonCpuPerTaskMs.toFixed(2)} / ${af.redisCpuPerTaskMs.toFixed(2)}`, ''],
  ]);
} finally {
  await redis.stop();
}
