// The SDK example runs on the local fleet as a user runs it (a TypeScript file importing
// @agentfleet/sdk, its own process, the user's fleet.yaml and Redis), and the same plan from
// YAML through `fleet run` makes the same run.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunReport } from '@agentfleet/store';
import { UserCli, ensureBuilt, FAST_DAEMON_ENV, repoRoot, requireBinaries } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
let user: UserCli;

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  user = UserCli.create({ redisUrl: inject('redisUrl'), prefix: `sdk-${process.pid}`, env: { ...FAST_DAEMON_ENV, AGENTFLEET_SLOTS: '2' } });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await user.run(['down']);
  user.cleanup();
});

/** `npx vite-node examples/sdk/run.ts` with the user's environment. */
function runExample(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(join(repoRoot, 'node_modules/.bin/vite-node'), [join(repoRoot, 'examples/sdk/run.ts')], { cwd: user.home, env: user.environment(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** What two runs of the same plan must share. */
const shape = (r: RunReport) => r.tasks.map((t) => ({ id: t.id, agent: t.agent, deps: t.deps, status: t.status, skipReason: t.skipReason, approval: t.approval && { decision: t.approval.decision, by: t.approval.by } }));

describe.runIf(ok)('the SDK example', () => {
  it('runs on the local fleet; the YAML of the same plan makes the same run', async () => {
    // the SDK submits to a fleet that is up: here the local fleet, as `fleet up` starts it
    const up = await user.run(['up']);
    expect(up.code, up.stderr).toBe(0);

    const example = await runExample();
    expect(example.code, example.stderr + example.stdout).toBe(0);
    const runId = /^run (r\S+)$/m.exec(example.stdout)![1]!;
    expect(example.stdout).toContain(`run ${runId} succeeded`);
    expect(example.stdout).toMatch(/ analysis: new -> (queued|running|succeeded)\n/);
    expect(example.stdout).toMatch(/ ship: .* -> awaiting_approval\n/);
    expect(example.stdout).toMatch(/ deploy: .* -> succeeded\n/);
    const fromSdk = await user.json<RunReport>(['report', runId, '--format', 'json']);

    const yaml = await user.run(['run', join(repoRoot, 'examples/sdk/issue-715.yaml'), '--watch', '--json']);
    expect(yaml.code, yaml.stderr).toBe(0);
    const fromYaml = await user.json<RunReport>(['report', (JSON.parse(yaml.stdout) as { runId: string }).runId, '--format', 'json']);
    expect(shape(fromSdk)).toEqual(shape(fromYaml));
    expect(shape(fromSdk).find((t) => t.id === 'fix')).toMatchObject({ status: 'skipped', skipReason: 'condition' });
    expect(shape(fromSdk).find((t) => t.id === 'ship')).toMatchObject({ status: 'succeeded', approval: { decision: 'approve', by: 'timeout' } });
    expect(fromSdk.run).toMatchObject({ name: 'issue-715', status: 'succeeded' });
  });
});
