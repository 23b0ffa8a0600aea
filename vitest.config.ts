import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@agentfleet/core': pkg('core'),
      '@agentfleet/store': pkg('store'),
      '@agentfleet/workspace': pkg('workspace'),
      '@agentfleet/agents': pkg('agents'),
      '@agentfleet/fleet': pkg('fleet'),
      '@agentfleet/telemetry': pkg('telemetry'),
      '@agentfleet/sdk': pkg('sdk'),
      '@agentfleet/testkit': pkg('testkit'),
      '@agentfleet/host-contract': pkg('host-contract'),
      '@agentfleet/sandbox': pkg('sandbox'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/setup/global.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // 2-core machines: real redis/sshd/git children per test file; keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default', './test/setup/ci-reporter.ts'],
  },
});
