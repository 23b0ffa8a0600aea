// `fleet monitor`: the Prometheus /metrics, /healthz and /queues server over the fleet in Redis.
// Serves until SIGINT/SIGTERM, then closes the server and the store (exit 0).
import type { Command } from 'commander';
import { InputError } from '@agentfleet/core';
import { Console, parseListen, startMonitor } from '@agentfleet/monitor';
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
    .description('serve the web console (/), Prometheus metrics (/metrics), a health check (/healthz) and the queue board (/queues) for the fleet')
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
      const tokenEnv = config.monitor.tokenEnv;
      const token = tokenEnv ? process.env[tokenEnv] : undefined;
      if (tokenEnv && !token) throw new InputError(`monitor.tokenEnv names ${tokenEnv}, but ${tokenEnv} is not set: set it (the console's token) or remove monitor.tokenEnv for a read-only console`);
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
          console: new Console({ store: fleet.store, home: fleet.home, token }, logger),
        });
        printLines([`monitor on ${monitor.url} (/ console, /metrics /healthz /queues); Ctrl-C stops it`, ...consoleLines(monitor.url, config.monitor.publicUrl, token)]);
        const signal = await stop.received;
        await monitor.close();
        logger.info({ signal }, 'monitor stopped');
      } finally {
        stop.dispose();
        await fleet.close();
      }
    });
}

/** What `fleet monitor` says about the console: its login URL, once, or that it is read-only. */
function consoleLines(url: string, publicUrl: string | undefined, token: string | undefined): string[] {
  const base = (publicUrl ?? url).replace(/\/$/, '');
  if (!token) return [`console ${base}/ is read-only (set monitor.tokenEnv to allow actions)`];
  return [`console login (actions allowed; keep it private): ${base}/login?token=${encodeURIComponent(token)}`];
}
