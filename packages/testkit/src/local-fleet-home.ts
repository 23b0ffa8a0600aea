// A user's local fleet (no hosts configured) for tests of the `fleet` binary: a home and a
// fleet.yaml of its own under /dev/shm, the test Redis under its own prefix, fast daemon
// tuning; stop() takes the daemon down and kills any worker it left.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedis, FleetStore } from '@agentfleet/store';
import { UserCli } from './fleet-cli.js';
import { FAST_DAEMON_ENV, FAST_HEARTBEAT_TTL_MS } from './hostd.js';
import { workerPids } from './processes.js';
import { removeDir, tempDir } from './temp-dir.js';

export interface LocalFleetHome {
  dir: string;
  cli: UserCli;
  store: FleetStore;
  stop(): Promise<void>;
}

export function localFleetHome(name: string, redisUrl: string, prefix: string, slots: number): LocalFleetHome {
  const dir = tempDir(name);
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'fleet.yaml'), JSON.stringify({ redis: { prefix }, heartbeatTtlMs: FAST_HEARTBEAT_TTL_MS }));
  // The local daemon inherits the CLI's environment: its tuning comes from there.
  const cli = new UserCli(join(dir, 'fleet.yaml'), join(dir, 'home'), { REDIS_URL: redisUrl, ...FAST_DAEMON_ENV, AGENTFLEET_SLOTS: String(slots) });
  const store = new FleetStore(createRedis(redisUrl), prefix);
  return {
    dir, cli, store,
    async stop() {
      await cli.run(['down']).catch(() => undefined);
      await store.close();
      for (const pid of workerPids(join(dir, 'home'))) process.kill(pid, 'SIGKILL');
      removeDir(dir);
    },
  };
}
