// Starts one real redis-server for the whole test run (on /dev/shm: fast, thrown away; no AOF).
// Tests isolate themselves with their own key prefix; REDIS_URL reaches them via provide().
import type { TestProject } from 'vitest/node';
import { TestRedis } from '@agentfleet/testkit';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    redisPort: number;
  }
}

let redis: TestRedis | undefined;

export async function setup(project: TestProject): Promise<void> {
  redis = await TestRedis.start(['--appendonly', 'no']);
  project.provide('redisUrl', redis.url);
  project.provide('redisPort', redis.port);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}
