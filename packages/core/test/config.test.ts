// fleet.yaml host entries: the keys `fleet up` reads (workdir, redisUrl, daemonEnv) and their checks.
import { describe, expect, it } from 'vitest';
import { InputError, parseConfig } from '../src/index.js';

describe('fleet.yaml hosts', () => {
  it('accepts workdir, a per-host redisUrl and daemonEnv; daemonEnv defaults to {}', () => {
    const cfg = parseConfig(
      [
        'hosts:',
        '  - name: mugen',
        '    ssh: deploy@10.0.0.5',
        '    workdir: /srv/agentfleet',
        '    redisUrl: "redis://:pw@10.0.0.1:6379"',
        '    daemonEnv: { AGENTFLEET_LOCK_MS: "4000", LOG_LEVEL: debug }',
        '  - name: majin',
      ].join('\n'),
      'fleet.yaml',
    );
    expect(cfg.hosts[0]).toMatchObject({ workdir: '/srv/agentfleet', redisUrl: 'redis://:pw@10.0.0.1:6379', daemonEnv: { AGENTFLEET_LOCK_MS: '4000', LOG_LEVEL: 'debug' } });
    expect(cfg.hosts[1]?.daemonEnv).toEqual({});
  });

  it('rejects a redisUrl that is not redis:// and a daemonEnv name that is not a variable name, with the line', () => {
    const text = ['hosts:', '  - name: mugen', '    redisUrl: "http://x"', '    daemonEnv: { "BAD-NAME": "1" }'].join('\n');
    let err: unknown;
    try {
      parseConfig(text, 'fleet.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const message = (err as InputError).message;
    expect(message).toMatch(/fleet\.yaml:3:\d+.*redisUrl is redis:\/\//);
    expect(message).toMatch(/fleet\.yaml:4:\d+: hosts\.0\.daemonEnv\.BAD-NAME/);
  });
});
