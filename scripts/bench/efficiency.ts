// Parallel efficiency: 180 independent tasks on 18 slots over two sshd test hosts (12 + 6),
// efficiency = total task time / (slots x makespan). Baseline in the same run: the same
// commands through `xargs -P 18` on this machine (no queue, no workspaces, no SSH).
//   npx vite-node scripts/bench/efficiency.ts [--tasks 180]     (root: test hosts)
import { execFileSync } from 'node:child_process';
import { arg, machine, printTable } from './common.js';
import { makespanOf, runToEnd, shellTask } from './local-fleet.js';
import { startSshFleet } from './ssh-fleet.js';

const TASKS = arg('tasks', 180);
const SLOTS = [12, 6];
const slots = SLOTS.reduce((a, b) => a + b, 0);

let seed = 5;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const secs = Array.from({ length: TASKS }, () => Number((1 + rnd() * 2).toFixed(2)));
const work = secs.reduce((a, b) => a + b, 0) * 1000;

// Baseline: xargs runs the same sleeps 18 at a time.
const t0 = Date.now();
execFileSync('sh', ['-c', `printf '%s\\n' ${secs.join(' ')} | xargs -P ${slots} -n 1 sleep`]);
const xargsMs = Date.now() - t0;

const fleet = await startSshFleet({ names: ['mugen', 'majin'], slots: SLOTS, firstIp: 110, userPrefix: 'afeff' });
try {
  const tasks = secs.map((s, i) => shellTask(`t${i}`, `sleep ${s}`, [], s * 1000));
  const { report } = await runToEnd(fleet.store, tasks, 'deps');
  if (report.run.status !== 'succeeded') throw new Error(`run ${report.run.status}`);
  const makespan = makespanOf(report);
  const taskTime = report.tasks.reduce((a, t) => a + (t.durationMs ?? 0), 0);
  const byHost = Object.entries(report.tasks.reduce<Record<string, number>>((m, t) => ((m[t.host!] = (m[t.host!] ?? 0) + 1), m), {}));
  console.log(`efficiency benchmark: ${TASKS} independent tasks (sleep 1-3 s), ${slots} slots over 2 sshd test hosts (${SLOTS.join(' + ')}); ${machine()}`);
  printTable([
    ['measure', 'xargs -P 18 (baseline)', 'agentfleet', 'ratio'],
    ['makespan (s)', (xargsMs / 1000).toFixed(1), (makespan / 1000).toFixed(1), (makespan / xargsMs).toFixed(3)],
    ['total task time (s)', (work / 1000).toFixed(1), (taskTime / 1000).toFixed(1), ''],
    ['parallel efficiency = task time / (slots x makespan)', (work / (slots * xargsMs)).toFixed(3), (taskTime / (slots * makespan)).toFixed(3), ((taskTime / (slots * makespan)) / (work / (slots * xargsMs))).toFixed(3)],
    ['requested work / (slots x makespan)', (work / (slots * xargsMs)).toFixed(3), (work / (slots * makespan)).toFixed(3), ''],
  ]);
  console.log(`tasks per host: ${byHost.map(([h, n]) => `${h} ${n}`).join(', ')}`);
} finally {
  await fleet.stop();
}
