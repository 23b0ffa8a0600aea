// Entry the CLI's `fleet monitor` calls once it has opened the store (it reads REDIS_URL and
// fleet.yaml): serves until the signal aborts, then closes the server.
import { createMonitorServer, type MonitorServer, type MonitorServerOptions } from './server.js';

export interface StartMonitorOptions extends MonitorServerOptions {
  /** closes the server when aborted (e.g. on SIGINT/SIGTERM) */
  signal?: AbortSignal;
}

export async function startMonitor(opts: StartMonitorOptions): Promise<MonitorServer> {
  const monitor = await createMonitorServer(opts);
  opts.logger?.info({ url: monitor.url, queuesWritable: opts.queuesWritable ?? false }, `monitor on ${monitor.url} (/metrics /healthz /queues)`);
  if (opts.signal) {
    const stop = () => {
      monitor.close().catch((err: unknown) => opts.logger?.error({ err }, 'monitor close failed'));
    };
    if (opts.signal.aborted) stop();
    else opts.signal.addEventListener('abort', stop, { once: true });
  }
  return monitor;
}
