// A fleet of sshd test hosts (scripts/test-hosts) started with the real `fleet up`, for the
// benchmarks that must run "over two test hosts". Root only (test users, sshd).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedis, FleetStore } from '@agentfleet/store';
import { removeDir, runFleetOk, startTestHosts, tempDir, waitFor, type TestHosts, type TestRedis } from '@agentfleet/testkit';
import { startRedis } from './common.js';

export interface SshFleet {
  store: FleetStore;
  redis: TestRedis;
  env: NodeJS.ProcessEnv;
  dir: string;
  hosts: TestHosts;
  fleet(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startSshFleet(opts: { names: string[]; slots: number[]; firstIp: number; userPrefix: string; daemonEnv?: Record<string, string> }): Promise<SshFleet> {
  const hosts = await startTestHosts({ n: opts.names.length, firstIp: opts.firstIp, userPrefix: opts.userPrefix, names: opts.names });
  const redis = await startRedis();
  const dir = tempDir('bench-fleet');
  const prefix = `bench-${process.pid}`;
  const config = {
    redis: { url: redis.url, prefix },
    hosts: hosts.hosts.map((h, i) => ({ ...h, slots: opts.slots[i], daemonEnv: { AGENTFLEET_MIN_DISK_FREE: '0', LOG_LEVEL: 'warn', ...opts.daemonEnv } })),
  };
  writeFileSync(join(dir, 'fleet.yaml'), JSON.stringify(config, null, 2));
  mkdirSync(join(dir, 'home'), { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, AGENTFLEET_CONFIG: join(dir, 'fleet.yaml'), AGENTFLEET_HOME: join(dir, 'home') };
  delete env.REDIS_URL;
  const conn = createRedis(redis.url);
  conn.on('error', () => undefined);
  const store = new FleetStore(conn, prefix);
  const fleet = (args: string[]) => runFleetOk(args, { env });
  await fleet(['up']);
  const want = opts.slots.reduce((a, b) => a + b, 0);
  await waitFor('every worker idle', async () => (await store.hosts.list()).reduce((n, h) => n + h.workers.filter((w) => w.state === 'idle').length, 0) >= want, 600_000, 500);
  return {
    store,
    redis,
    env,
    dir,
    hosts,
    fleet,
    stop: async () => {
      await fleet(['down', '--timeout', '20', '--kill']).catch(() => undefined);
      await store.close();
      await hosts.down();
      await redis.stop();
      removeDir(dir);
    },
  };
}
