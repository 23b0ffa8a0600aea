// Stores for tests, each with a key prefix of its own (test files share a Redis and run in
// parallel); waiting for a run to end; dropping a store's queues. No vitest import here, so
// scripts can use it too: tests pass the URL of the test Redis, inject('redisUrl').
import { createRedis, FleetStore, type AttemptOwner, type HostStatus, type RunStatus } from '@agentfleet/store';
import { waitFor } from './wait-for.js';

let seq = 0;
/** A store on the Redis at `url` under a prefix no other store of this run uses. */
export function testStore(name: string, url: string): FleetStore {
  return new FleetStore(createRedis(url), `t-${name}-${process.pid}-${++seq}`);
}

/** Removes the store's task queues (their jobs, under its prefix) and closes it. */
export async function dropStore(store: FleetStore): Promise<void> {
  for (const q of await store.figures.taskQueues()) await q.obliterate({ force: true });
  await store.close();
}

const ENDED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Waits until the run is succeeded, failed or cancelled, and returns that status. */
export function runEnded(store: FleetStore, runId: string, timeoutMs = 60_000, everyMs = 200): Promise<RunStatus> {
  return waitFor(`run ${runId} to finish`, async () => {
    const { status } = await store.read.get(runId);
    return ENDED.includes(status) ? status : undefined;
  }, timeoutMs, everyMs);
}

/** The host as `fleet hosts` lists it, if it ever registered. */
export async function hostStatus(store: FleetStore, name: string): Promise<HostStatus | undefined> {
  return (await store.hosts.list()).find((h) => h.name === name);
}

/** Claims a task the way a worker does (as `worker` of `host`) and returns the attempt's owner: for tests that play the worker. */
export async function claimAs(store: FleetStore, runId: string, taskId: string, host = 'h', worker = 'h-0'): Promise<AttemptOwner> {
  const c = await store.attempts.claim(runId, taskId, host, worker);
  if (!c.ok) throw new Error(`claim of ${runId}/${taskId} found nothing to run: ${c.status}`);
  return { host, worker, attempt: c.attempts, startedAt: c.startedAt };
}

/**
 * The stores one test file opens, dropped together: `const stores = testStores(url)`,
 * `afterEach(stores.dropAll)`, then `stores.open('name')` in each test.
 */
export function testStores(url: () => string): { open(name: string): FleetStore; dropAll(): Promise<void> } {
  const open: FleetStore[] = [];
  return {
    open(name) {
      const s = testStore(name, url());
      open.push(s);
      return s;
    },
    async dropAll() {
      for (const s of open.splice(0)) await dropStore(s);
    },
  };
}
