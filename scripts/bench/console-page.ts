// The console's run page of a big run in headless chromium: time from navigation to interactive
// (the page's script connected to its live updates), first view (the server lays the DAG out)
// and later views (the layout cached); baseline: the hosts page in the same browser, same run.
//   npx vite-node scripts/bench/console-page.ts [--tasks 1000] [--views 5]
import { makeRunId, type TaskSpec } from '@agentfleet/core';
import { Console, createMonitorServer } from '../../apps/monitor/src/index.js';
import { DURATION_BUCKETS_SECONDS, WAIT_BUCKETS_SECONDS } from '@agentfleet/store';
import { createLogger } from '@agentfleet/telemetry';
import { launchChromium, noConfig, plan, removeDir, task, tempDir } from '@agentfleet/testkit';
import { arg, machine, percentile, printTable, startRedis } from './common.js';
import { openStore } from './local-fleet.js';

const TASKS = arg('tasks', 1000);
const VIEWS = arg('views', 5);

/** Levels of 25 tasks, each depending on two of the level before: a wide nightly batch. */
function bigPlan(): TaskSpec[] {
  return Array.from({ length: TASKS }, (_, i) => {
    const level = Math.floor(i / 25);
    const deps = level === 0 ? [] : [...new Set([(level - 1) * 25 + ((i * 7) % 25), (level - 1) * 25 + ((i * 11 + 3) % 25)])].map((d) => `t${d}`);
    return task(`t${i}`, deps, { estimateMs: 60_000 + (i % 7) * 30_000 });
  });
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const store = openStore(redis.url, 'bench-console');
  const runId = makeRunId(new Date());
  await store.runs.submit(plan(bigPlan(), 'big'), { runId, schedule: 'deps', failFast: false, baseCommit: null, config: noConfig });
  const home = tempDir('bench-console');
  const logger = createLogger({ name: 'bench', level: 'warn' });
  const monitor = await createMonitorServer({ source: store.figures, listen: '127.0.0.1:0', logger, histogramBounds: { durationSeconds: DURATION_BUCKETS_SECONDS, waitSeconds: WAIT_BUCKETS_SECONDS }, console: new Console({ store, home }, logger) });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const view = async (path: string) => {
    const t0 = performance.now();
    await page.goto(`${monitor.url}${path}`);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    return performance.now() - t0;
  };
  await view('/hosts'); // the browser's own first start
  const first = await view(`/runs/${runId}`);
  const nodes = (await page.$$('.node')).length;
  const later: number[] = [];
  const hosts: number[] = [];
  for (let i = 0; i < VIEWS; i++) {
    hosts.push(await view('/hosts'));
    later.push(await view(`/runs/${runId}`));
  }
  const html = (await page.content()).length;
  await browser.close();
  await monitor.close();
  await store.close();
  await redis.stop();
  removeDir(home);
  const base = percentile(hosts.sort((a, b) => a - b), 50);
  const warm = percentile(later.sort((a, b) => a - b), 50);
  console.log(`machine: ${machine()}`);
  printTable([
    [`page (${TASKS}-task run, ${nodes} nodes drawn, ${(html / 1024).toFixed(0)} KiB of HTML)`, 'ms to interactive', 'x baseline'],
    ['baseline: hosts page (median)', base.toFixed(0), '1.00'],
    ['run page, first view (layout computed)', first.toFixed(0), (first / base).toFixed(1)],
    [`run page, later views (median of ${VIEWS}, layout cached)`, warm.toFixed(0), (warm / base).toFixed(1)],
  ]);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
