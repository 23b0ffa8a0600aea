// A fleet as the end-to-end suites give it to a user: a store of its own (prefix) on a Redis,
// one host daemon, and a user whose fleet.yaml names that host (so the CLI starts no local fleet).
import { createRedis, FleetStore } from '@agentfleet/store';
import { UserCli } from './fleet-cli.js';
import { TestHostd } from './hostd.js';
import { dropStore, testStore } from './store.js';

export interface UserFleet {
  store: FleetStore;
  user: UserCli;
  daemon: TestHostd;
  /** the daemon stopped, the store dropped, the user's home removed */
  stop(): Promise<void>;
}

export function startUserFleet(name: string, redisUrl: string, opts: { slots?: number; ownStore?: boolean } = {}): UserFleet {
  // ownStore: a Redis of the test's own, which it may restart (its connection must bear errors)
  const store = opts.ownStore ? new FleetStore(createRedis(redisUrl), `${name}-${process.pid}`) : testStore(name, redisUrl);
  if (opts.ownStore) store.redis.on('error', () => undefined);
  const user = UserCli.create({ redisUrl, prefix: store.prefix, hosts: ['h1'] });
  const daemon = new TestHostd({ redisUrl, prefix: store.prefix, host: 'h1', slots: opts.slots ?? 2 });
  return {
    store,
    user,
    daemon,
    async stop() {
      await daemon.stopAndCleanup(10_000);
      await (opts.ownStore ? store.close() : dropStore(store));
      user.cleanup();
    },
  };
}
