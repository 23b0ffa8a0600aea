// Full chaos run (root): npx vite-node scripts/chaos/main.ts [--tasks 500] [--slots 6]
import { arg, machine } from '../bench/common.js';
import { runChaos } from './chaos-run.js';

const result = await runChaos({
  tasks: arg('tasks', 500),
  slotsPerHost: arg('slots', 6),
  sleep: [0.3, 1.5],
  workerKillEveryMs: arg('kill-every', 3000),
  firstIp: 90,
  netnsOctet: 235,
  userPrefix: 'afchaos',
  log: (l) => console.log(l),
});
console.log(`\nchaos run on ${machine()}`);
console.log(JSON.stringify(result.figures, null, 2));
if (result.problems.length) {
  console.log(`PROBLEMS (${result.problems.length}):\n${result.problems.join('\n')}`);
  process.exit(1);
}
console.log('all checks passed: every task terminal, every branch exact, nothing recorded twice, report = Redis = monitor');
process.exit(0);
