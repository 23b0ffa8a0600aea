// `fleet monitor`: the Prometheus /metrics, /healthz and /queues server over the fleet in Redis.
// Serves until SIGINT/SIGTERM, then closes the server and the store (exit 0).
import type { Command } from 'commander';
import { parseListen, startMonitor } from '@agentfleet/monitor';
import { DURATION_BUCKETS_SECONDS, WAIT_BUCKETS_SECONDS } from '@agentfleet/store';
import { createLogger, secretValuesFromEnv } from '@agentfleet/telemetry';
import { loadConfig, openFleet, secretNames, type GlobalOptions } from '../fleet-context.js';
import { printLines } from '../output.js';
import { untilSignal } from '../signals.js';

export interface MonitorOptions {
  listen?: string;
  queuesWritable?: boolean;
}

export function registerMonitorCommand(program: Command): void {
  program
    .command('monitor')
    .description('serve Prometheus metrics (/metrics), a health check (/healthz) and the queue board (/queues) for the fleet')
    .option('--listen <host:port>', 'address to bind (default: monitor.listen of fleet.yaml, else 127.0.0.1:9464)')
    .option('--queues-writable', 'let /queues retry, clean, pause or remove jobs (read-only unless this or monitor.queuesWritable)')
    .addHelpText(
      'after',
      '\nExamples:\n  fleet monitor\n  fleet monitor --listen 0.0.0.0:9464    # for a Prometheus on another machine (no authentication)\n  curl -s http://127.0.0.1:9464/metrics | grep agentfleet_tasks_total',
    )
    .action(async (opts: MonitorOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const config = await loadConfig(globals);
      const listen = opts.listen ?? config.monitor.listen;
      parseListen(listen); // a bad address is an input error before anything connects
      const stop = untilSignal();
      const fleet = await openFleet(globals, config);
      try {
        const logger = createLogger({ name: 'monitor', secretValues: secretValuesFromEnv(secretNames(config)) });
        const monitor = await startMonitor({
          source: fleet.store.figures,
          listen,
          queuesWritable: opts.queuesWritable ?? config.monitor.queuesWritable,
          logger,
          histogramBounds: { durationSeconds: DURATION_BUCKETS_SECONDS, waitSeconds: WAIT_BUCKETS_SECONDS },
          runBudgetUsd: config.budgets.perRunUsd ?? null,
        });
        printLines([`monitor on ${monitor.url} (/metrics /healthz /queues); Ctrl-C stops it`]);
        const signal = await stop.received;
        await monitor.close();
        logger.info({ signal }, 'monitor stopped');
      } finally {
        stop.dispose();
        await fleet.close();
      }
    });
}
