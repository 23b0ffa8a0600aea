// Transcripts: what they cost and how fast they arrive.
//   1. a shell agent printing 100k lines, transcripts on vs off (two daemons, runs alternated)
//   2. latency from a line the agent prints to `fleet logs RUN TASK -f`, and to the task page
//      in headless chromium; baseline: a bare Redis XADD -> XREAD BLOCK round trip, same run
//   npx vite-node scripts/bench/transcripts.ts [--lines 100000] [--rounds 5] [--samples 20]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedis, type FleetStore } from '@agentfleet/store';
import { cliBin, launchChromium, MonitorProcess, removeDir, tempDir } from '@agentfleet/testkit';
import { arg, machine, percentile, printTable, startRedis } from './common.js';
import { openStore, runToEnd, shellTask, startDaemon, waitIdleWorkers } from './local-fleet.js';

const LINES = arg('lines', 100_000);
const ROUNDS = arg('rounds', 5);
const SAMPLES = arg('samples', 20);

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

/** The task's own duration (the worker's figure) for a shell agent printing LINES lines. */
async function printingTask(store: FleetStore): Promise<number> {
  // line by line, as a build or a test run prints (each echo is a write of its own)
  const { report } = await runToEnd(store, [shellTask('print', `i=0; while [ $i -lt ${LINES} ]; do echo "line of output number $i"; i=$((i+1)); done`, [], 10_000)], 'deps');
  return report.tasks[0]!.durationMs!;
}

async function overhead(url: string): Promise<{ on: number; off: number }> {
  const on = openStore(url, 'bench-tr-on');
  const off = openStore(url, 'bench-tr-off');
  const dOn = await startDaemon(url, on.prefix, 'tr-on', 1);
  const dOff = await startDaemon(url, off.prefix, 'tr-off', 1, { AGENTFLEET_TRANSCRIPTS: '0' });
  await Promise.all([waitIdleWorkers(on, 1), waitIdleWorkers(off, 1)]);
  const times = { on: [] as number[], off: [] as number[] };
  await printingTask(on);
  await printingTask(off); // warm-up
  for (let i = 0; i < ROUNDS; i++) {
    times.off.push(await printingTask(off));
    times.on.push(await printingTask(on));
  }
  await Promise.all([dOn.stop(), dOff.stop(), on.close(), off.close()]);
  return { on: median(times.on), off: median(times.off) };
}

/** A bare Redis stream round trip: XADD on one connection, XREAD BLOCK on another. */
async function redisRoundTrip(url: string): Promise<number[]> {
  const w = createRedis(url);
  const r = createRedis(url);
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const last = (await w.xadd('bench:rt', '*', 'x', '0'))!;
    const reading = r.xread('BLOCK', 5000, 'STREAMS', 'bench:rt', last);
    await new Promise((res) => setTimeout(res, 20));
    const t0 = performance.now();
    await w.xadd('bench:rt', '*', 'x', '1');
    await reading;
    out.push(performance.now() - t0);
  }
  await w.del('bench:rt');
  w.disconnect();
  r.disconnect();
  return out.sort((a, b) => a - b);
}

// the follower attaches during the first seconds; then one line every 300 ms, stamped when printed
const TICKER = (n: number) => `sleep 3; i=0; while [ $i -lt ${n} ]; do echo "tick $(date +%s%3N)"; i=$((i+1)); sleep 0.3; done`;

/** Agent line -> fleet logs -f: each `tick <ms>` line timed on arrival. */
async function logsLatency(url: string, store: FleetStore, home: string): Promise<number[]> {
  const { runId } = await submitTicker(store);
  const child = spawn(process.execPath, [cliBin, 'logs', runId, 'tick', '-f'], { env: { ...process.env, REDIS_URL: url, AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: join(home, 'fleet.yaml') }, stdio: ['ignore', 'pipe', 'inherit'] });
  const got: number[] = [];
  let buf = '';
  child.stdout.on('data', (b: Buffer) => {
    const now = Date.now();
    buf += b.toString();
    for (const m of buf.matchAll(/\| tick (\d+)/g)) got.push(now - Number(m[1]));
    buf = buf.slice(buf.lastIndexOf('\n') + 1);
  });
  await new Promise((r) => child.once('close', r));
  return got.sort((a, b) => a - b);
}

/** Agent line -> the task page in chromium (SSE): a MutationObserver times each new line. */
async function pageLatency(store: FleetStore, monitorUrl: string): Promise<number[]> {
  const browser = await launchChromium();
  const page = await browser.newPage();
  const { runId } = await submitTicker(store);
  await page.goto(`${monitorUrl}/runs/${runId}/tasks/tick`);
  for (let i = 0; i < 50 && !(await page.$('#live')); i++) {
    await new Promise((r) => setTimeout(r, 200));
    await page.reload();
  }
  await page.evaluate(() => {
    const w = window as unknown as { lat: number[] };
    w.lat = [];
    new MutationObserver((records) => {
      const now = Date.now();
      for (const r of records) for (const n of Array.from(r.addedNodes)) for (const m of (n.textContent ?? '').matchAll(/tick (\d+)/g)) w.lat.push(now - Number(m[1]));
    }).observe(document.getElementById('transcript')!, { childList: true });
  });
  await page.waitForSelector('#live >> text=ended', { timeout: 60_000 });
  const lat = await page.evaluate(() => (window as unknown as { lat: number[] }).lat);
  await browser.close();
  return lat.sort((a, b) => a - b);
}

async function submitTicker(store: FleetStore) {
  const { makeRunId } = await import('@agentfleet/core');
  const { plan, noConfig } = await import('@agentfleet/testkit');
  const runId = makeRunId(new Date());
  await store.runs.submit(plan([shellTask('tick', TICKER(SAMPLES), [], 10_000)], 'ticker'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
  return { runId };
}

async function main(): Promise<void> {
  const redis = await startRedis();
  console.log(`machine: ${machine()}`);
  const { on, off } = await overhead(redis.url);
  const rt = await redisRoundTrip(redis.url);
  const store = openStore(redis.url, 'bench-tr-live');
  const home = tempDir('bench-tr-cli');
  writeFileSync(join(home, 'fleet.yaml'), `redis: { prefix: ${store.prefix} }\n`);
  const daemon = await startDaemon(redis.url, store.prefix, 'tr-live', 1);
  await waitIdleWorkers(store, 1);
  const logs = await logsLatency(redis.url, store, home);
  const monitor = await MonitorProcess.start(['--listen', '127.0.0.1:0'], { REDIS_URL: redis.url, AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: join(home, 'fleet.yaml') });
  const pageLat = await pageLatency(store, monitor.url);
  await monitor.stop();
  await daemon.stop();
  await store.close();
  removeDir(home);
  await redis.stop();
  const rtMs = percentile(rt, 50);
  printTable([
    ['measure', 'p50 ms', 'p99 ms', 'x baseline'],
    ['baseline: Redis XADD -> XREAD BLOCK', rtMs.toFixed(2), percentile(rt, 99).toFixed(2), '1.00'],
    ['agent line -> fleet logs -f', percentile(logs, 50).toFixed(0), percentile(logs, 99).toFixed(0), (percentile(logs, 50) / rtMs).toFixed(0)],
    ['agent line -> task page (chromium)', percentile(pageLat, 50).toFixed(0), percentile(pageLat, 99).toFixed(0), (percentile(pageLat, 50) / rtMs).toFixed(0)],
  ]);
  console.log('');
  printTable([
    [`shell agent printing ${LINES} lines (median of ${ROUNDS})`, 'task ms', 'x baseline'],
    ['baseline: transcripts off', off.toFixed(0), '1.00'],
    ['transcripts on', on.toFixed(0), (on / off).toFixed(3)],
  ]);
  console.log(`samples: logs ${logs.length}, page ${pageLat.length}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
