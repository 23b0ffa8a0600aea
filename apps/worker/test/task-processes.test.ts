// What every process the fleet starts for a task sees (taskProcessEnv) and how it is started
// and stopped (runTaskCommand): real /bin/sh children.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetError } from '@agentfleet/core';
import { pidsWithArg, removeDir, tempDir } from '@agentfleet/testkit';
import { portBase, PORTS_PER_SLOT, taskProcessEnv } from '../src/attempt/process-env.js';
import { runTaskCommand, TIMED_OUT_EXIT } from '../src/attempt/task-command.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('task-procs');
});
afterEach(() => removeDir(dir));

const ids = { runId: 'r1', taskId: 'build', attempt: 2, slot: 3 };

describe('taskProcessEnv', () => {
  it('adds the task variables, a port block per slot, the host caches and the slot exclude file; keeps the rest', () => {
    const env = taskProcessEnv({ PATH: '/bin', npm_config_cache: '/root/.npm', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'a.b', GIT_CONFIG_VALUE_0: 'c' }, ids, { home: '/srv/af', excludesFile: '/srv/af/slots/h-3/exclude' });
    expect(env).toMatchObject({
      PATH: '/bin',
      AGENTFLEET_RUN: 'r1',
      AGENTFLEET_TASK: 'build',
      AGENTFLEET_ATTEMPT: '2',
      AGENTFLEET_SLOT: '3',
      AGENTFLEET_PORT_BASE: String(20_000 + 3 * PORTS_PER_SLOT),
      AGENTFLEET_PORT_COUNT: String(PORTS_PER_SLOT),
      npm_config_cache: '/srv/af/cache/npm',
      PIP_CACHE_DIR: '/srv/af/cache/pip',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_1: 'core.excludesFile',
      GIT_CONFIG_VALUE_1: '/srv/af/slots/h-3/exclude',
    });
    expect(env.GIT_CONFIG_KEY_0).toBe('a.b');
  });

  it('port blocks of different slots never overlap and stay below the ephemeral range for 512 slots', () => {
    expect(portBase(1) - portBase(0)).toBe(PORTS_PER_SLOT);
    expect(portBase(511) + PORTS_PER_SLOT).toBeLessThanOrEqual(32_768);
  });

  it('git in a task process reads the exclude file', () => {
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('sh', ['-c', 'echo /secret.env > exclude && touch secret.env other.txt'], { cwd: dir });
    const env = taskProcessEnv(process.env, ids, { home: dir, excludesFile: `${dir}/exclude` });
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, env, encoding: 'utf8' })).toBe('?? exclude\n?? other.txt\n');
  });
});

describe('runTaskCommand', () => {
  const signal = () => new AbortController().signal;

  it('runs /bin/sh -c in the workspace with the given environment; exit code and output tail', async () => {
    const res = await runTaskCommand({ command: 'pwd; echo "$AGENTFLEET_TASK" >&2; exit 4', cwd: dir, env: taskProcessEnv(process.env, ids, { home: dir }), timeoutMs: 10_000, signal: signal() });
    expect(res).toMatchObject({ exitCode: 4, timedOut: false });
    expect(res.tail).toContain(dir);
    expect(res.tail).toContain('build');
  });

  it('its own timeout kills the whole process group (124); the attempt stop throws its reason', async () => {
    const marker = `sleep 31.${process.pid % 1000}`;
    const res = await runTaskCommand({ command: `${marker} & ${marker}`, cwd: dir, env: process.env, timeoutMs: 300, signal: signal() });
    expect(res).toMatchObject({ exitCode: TIMED_OUT_EXIT, timedOut: true });
    expect(pidsWithArg(marker)).toEqual([]);
    const stop = new AbortController();
    setTimeout(() => stop.abort(new FleetError('cancelled', 'run r1 was cancelled')), 200);
    await expect(runTaskCommand({ command: marker, cwd: dir, env: process.env, timeoutMs: 10_000, signal: stop.signal })).rejects.toThrow('run r1 was cancelled');
    expect(pidsWithArg(marker)).toEqual([]);
  });
});
