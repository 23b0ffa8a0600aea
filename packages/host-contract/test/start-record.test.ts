// The start record: the environment's fingerprint names variables and hashes their values
// (salted, never the values); comparing it with another environment says what changed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeEnvChanges, envChanges, fingerprintEnv, formatLaunchOutcome, hasEnvChanges, parseLaunchOutcome, parseLaunchRequest, parseStartRecord,
  readStartRecord, writeStartRecord,
} from '@agentfleet/host-contract';
import { removeDir, tempDir } from '@agentfleet/testkit';

const secret = 'sk-live-0123456789abcdef';

describe('environment fingerprint', () => {
  it('holds names and salted hashes, never a value; terminal-session variables are left out', () => {
    const fp = fingerprintEnv({ OPENAI_API_KEY: secret, LOG_LEVEL: 'debug', PWD: '/x', SHLVL: '2', TERM_PROGRAM: 'iTerm', npm_lifecycle_event: 'fleet', AGENTFLEET_CONFIG: '/a.yaml', UNSET: undefined });
    expect(Object.keys(fp.hashes)).toEqual(['LOG_LEVEL', 'OPENAI_API_KEY']);
    expect(JSON.stringify(fp)).not.toContain(secret);
    expect(JSON.stringify(fp)).not.toContain('debug');
    // Another salt, other hashes: equal values are not recognisable across records.
    expect(fingerprintEnv({ OPENAI_API_KEY: secret }).hashes.OPENAI_API_KEY).not.toBe(fp.hashes.OPENAI_API_KEY);
  });

  it('says which variables changed, were set or unset since', () => {
    const recorded = fingerprintEnv({ A: '1', B: '2', C: '3', PWD: '/one' });
    expect(hasEnvChanges(envChanges(recorded, { A: '1', B: '2', C: '3', PWD: '/two' }))).toBe(false);
    const c = envChanges(recorded, { A: '1', B: 'two', D: '4' });
    expect(c).toEqual({ added: ['D'], removed: ['C'], changed: ['B'] });
    expect(describeEnvChanges(c)).toBe('B changed, D set, C unset');
  });

  it('is written whole and read back; a record of another shape is no record', () => {
    const dir = tempDir('start-record');
    try {
      const file = join(dir, 'hostd.json');
      const record = { pid: 42, startedAt: '2026-01-01T00:00:00.000Z', releaseDir: '/r/abc', nodePath: '/usr/bin/node', env: fingerprintEnv({ A: 'x' }) };
      writeStartRecord(file, record);
      expect(readStartRecord(file)).toEqual(record);
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
      expect(parseStartRecord('{"pid": 1}')).toBeUndefined();
      expect(parseStartRecord('not json')).toBeUndefined();
      expect(readStartRecord(join(dir, 'missing.json'))).toBeUndefined();
    } finally {
      removeDir(dir);
    }
  });
});

describe('launch request and outcome', () => {
  it('refuses a malformed request with a message that says what is wrong', () => {
    expect(() => parseLaunchRequest('{')).toThrow(/stdin is not JSON/);
    expect(() => parseLaunchRequest('[]')).toThrow(/JSON object/);
    expect(() => parseLaunchRequest('{"env": {"A": 1}}')).toThrow(/env must map names to strings/);
    expect(() => parseLaunchRequest('{"args": "x"}')).toThrow(/args must be an array/);
    expect(() => parseLaunchRequest('{"replace": "yes"}')).toThrow(/replace must be true or false/);
    expect(parseLaunchRequest('')).toEqual({});
    expect(parseLaunchRequest('{"env": {"A": "1"}, "replace": true}')).toEqual({ env: { A: '1' }, replace: true });
  });

  it('answers one line the caller parses back', () => {
    for (const o of [{ kind: 'started', pid: 7 }, { kind: 'running', pid: 8 }, { kind: 'replacing', pid: 9, replaces: 8 }] as const) {
      expect(parseLaunchOutcome(`noise\n${formatLaunchOutcome(o)}\n`)).toEqual(o);
    }
    expect(parseLaunchOutcome('launcher: boom')).toBeUndefined();
  });
});
