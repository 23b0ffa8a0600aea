// fleet-hostd's entry (started by launcher.ts): reads the settings, runs the host daemon
// (hostd/host-daemon.ts) and turns SIGTERM/SIGINT into a drain; SIGHUP is ignored so that
// losing the SSH session or the terminal does not stop it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostDaemon } from './hostd/host-daemon.js';
import { readSettings } from './settings.js';

function main(): void {
  const settings = readSettings();
  const here = dirname(fileURLToPath(import.meta.url));
  const daemon = new HostDaemon(settings, settings.workerScript ?? join(here, 'worker-process.js'));
  const started = daemon.start();
  started.then(
    (runs) => {
      if (!runs) process.exit(0);
    },
    (err: Error) => {
      process.stderr.write(`hostd: ${err.message}\n`);
      process.exit(1);
    },
  );
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await started.catch(() => false);
      await daemon.stop(why);
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => undefined);
}

try {
  main();
} catch (err) {
  process.stderr.write(`hostd: ${(err as Error).message}\n`);
  process.exit(1);
}
