// Submits the issue-715 workflow to the fleet (fleet.yaml, REDIS_URL and AGENTFLEET_HOME as
// the CLI reads them; the fleet must be up: `fleet up` starts the local one), prints each task
// event as it happens, and exits 0 when the run succeeded.
//   npm run build && fleet up && npx vite-node examples/sdk/run.ts
import { watch } from '@agentfleet/sdk';
import { issue715 } from './issue-715.workflow.js';

const runId = await issue715().submit();
console.log(`run ${runId}`);
let status = 'unknown';
for await (const event of watch(runId)) {
  if (event.type === 'task') console.log(`${event.at} ${event.taskId}: ${event.previous ?? 'new'} -> ${event.status}`);
  else status = event.status;
}
console.log(`run ${runId} ${status}`);
process.exitCode = status === 'succeeded' ? 0 : 1;
