// Baseline worker for the dispatch benchmark: plain BullMQ, concurrency 1, a no-op processor.
import { Worker } from 'bullmq';

const [url, queue, prefix] = process.argv.slice(2);
const u = new URL(url);
const worker = new Worker(queue, async () => undefined, {
  connection: { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null },
  prefix,
  concurrency: 1,
  removeOnComplete: { count: 1000 },
});
process.on('SIGTERM', async () => {
  await worker.close();
  process.exit(0);
});
