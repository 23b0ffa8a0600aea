// What `fleet up` decides before any SSH: host selection, the remote home, Redis reachability,
// forwarded variables and the daemon's environment.
import { describe, expect, it } from 'vitest';
import { InputError, parseConfig } from '@agentfleet/core';
import type { HostProbe } from '@agentfleet/fleet';
import {
  absoluteHome, checkRedisReach, daemonEnvironment, forwardedSecrets, remoteHomeSpec, resolveRemoteHosts, selectHosts, type RemoteHost,
} from '../src/commands/remote-hosts.js';
import { notifySecrets } from '../src/fleet-scoped-env.js';

const config = parseConfig(
  [
    'redis: { url: "redis://10.0.0.1:6379", prefix: t }',
    'git: { author: "bot <bot@example.com>" }',
    'secrets: [EXTRA_TOKEN]',
    'hosts:',
    '  - { name: mugen, ssh: "deploy@10.0.0.5:22", slots: 12, labels: [big], env: [MY_KEY], daemonEnv: { AGENTFLEET_LOCK_MS: "4000" } }',
    '  - { name: local1, ssh: "u@127.0.0.7:2222", workdir: "~/fleet" }',
    '  - { name: far, ssh: "u@203.0.113.9", redisUrl: "redis://198.51.100.1:6379", workdir: /srv/af }',
  ].join('\n'),
  'fleet.yaml',
);
const [mugen, local1, far] = config.hosts;
const remote = (name: string): RemoteHost => resolveRemoteHosts(selectHosts(config, [name], 'up'), undefined)[0]!;
const probe: HostProbe = { node: { path: '/usr/bin/node', version: 'v20.1.0' }, git: '2.43.0', cores: 8, memBytes: 16 * 1024 ** 3, home: '/home/deploy', arch: 'x86_64', missing: [] };

describe('remote host selection and homes', () => {
  it('selects all hosts, or the named ones; an unknown name lists the configured ones', () => {
    expect(selectHosts(config, [], 'up').map((h) => h.name)).toEqual(['mugen', 'local1', 'far']);
    expect(selectHosts(config, ['far', 'far'], 'up').map((h) => h.name)).toEqual(['far']);
    expect(() => selectHosts(config, ['nope'], 'up')).toThrow(/unknown host 'nope' \(configured: mugen, local1, far\)/);
    expect(() => selectHosts(parseConfig('{}', 'x.yaml'), [], 'deploy')).toThrow(/no hosts in fleet\.yaml/);
  });

  it('the home is workdir (absolute, ~/ or relative to the login directory), else ~/.agentfleet', () => {
    expect(remoteHomeSpec(mugen!)).toBe('.agentfleet');
    expect(remoteHomeSpec(local1!)).toBe('fleet');
    expect(absoluteHome(local1!, '/home/u')).toBe('/home/u/fleet');
    expect(absoluteHome(far!, '/home/u')).toBe('/srv/af');
    expect(absoluteHome(mugen!, '/home/deploy')).toBe('/home/deploy/.agentfleet');
    expect(() => remoteHomeSpec({ ...mugen!, workdir: '~other/x' })).toThrow(InputError);
  });
});

describe('Redis as the hosts see it', () => {
  it('refuses the embedded Redis or a loopback URL for a host that is not this machine', () => {
    expect(() => checkRedisReach(remote('mugen'), undefined)).toThrow(/host 'mugen' \(10\.0\.0\.5\) cannot use the embedded Redis/);
    expect(() => checkRedisReach(remote('mugen'), 'redis://:pw@127.0.0.1:6379')).toThrow(/cannot reach Redis at redis:\/\/:\*+@127\.0\.0\.1:6379: that is this machine's loopback/);
    expect(() => checkRedisReach(remote('mugen'), 'redis://localhost:6379')).toThrow(/loopback/);
    expect(() => checkRedisReach(remote('mugen'), 'redis://10.0.0.1:6379')).not.toThrow();
  });

  it('accepts anything for a loopback test host, and a host with its own redisUrl', () => {
    expect(() => checkRedisReach(remote('local1'), undefined)).not.toThrow();
    expect(() => checkRedisReach(remote('local1'), 'redis://127.0.0.1:6379')).not.toThrow();
    expect(() => checkRedisReach(remote('far'), undefined)).not.toThrow();
  });
});

describe('the daemon environment', () => {
  it('forwards the named variables; a missing one is named', () => {
    expect(forwardedSecrets(mugen!, { MY_KEY: 's3cret-value' })).toEqual({ MY_KEY: 's3cret-value' });
    expect(() => forwardedSecrets(mugen!, {})).toThrow(/host 'mugen' forwards MY_KEY \(hosts\[\]\.env in fleet\.yaml\), but MY_KEY is not set in this shell/);
  });

  it('daemonEnv may not override what fleet up sets, nor a forwarded variable', () => {
    expect(() => forwardedSecrets({ ...mugen!, daemonEnv: { REDIS_URL: 'redis://x' } }, { MY_KEY: 'v' })).toThrow(/daemonEnv may not set REDIS_URL/);
    expect(() => forwardedSecrets({ ...mugen!, daemonEnv: { MY_KEY: 'x' } }, { MY_KEY: 'v' })).toThrow(/MY_KEY is both forwarded/);
  });

  it('carries Redis, identity, slots (configured, else from the probe), labels, secret names and tuning', () => {
    const env = daemonEnvironment({ config, spec: mugen!, redisUrl: 'redis://10.0.0.1:6379', probe, version: '0.1.0+abc', secrets: { MY_KEY: 'v' } });
    expect(env).toEqual({
      AGENTFLEET_LOCK_MS: '4000',
      REDIS_URL: 'redis://10.0.0.1:6379',
      AGENTFLEET_HOST: 'mugen',
      AGENTFLEET_PREFIX: 't',
      AGENTFLEET_LABELS: 'big',
      AGENTFLEET_SLOTS: '12',
      AGENTFLEET_SECRET_NAMES: 'EXTRA_TOKEN,MY_KEY',
      AGENTFLEET_GIT_AUTHOR: 'bot <bot@example.com>',
      AGENTFLEET_HEARTBEAT_TTL_MS: '15000',
      AGENTFLEET_VERSION: '0.1.0+abc',
      // fleet.yaml's retention (defaults: 30d, 14d, branches kept)
      AGENTFLEET_RETENTION_RUNS_MS: String(30 * 86_400_000),
      AGENTFLEET_RETENTION_TRANSCRIPTS_MS: String(14 * 86_400_000),
      AGENTFLEET_RETENTION_BRANCHES: '0',
      MY_KEY: 'v',
    });
    // 8 cores, 16 GiB: 3/4 of the cores.
    expect(daemonEnvironment({ config, spec: local1!, redisUrl: 'redis://127.0.0.1:6379', probe, version: 'v', secrets: {} }).AGENTFLEET_SLOTS).toBe('6');
  });

  it('carries the host files as paths only (AGENTFLEET_FILES), which daemonEnv may not set', () => {
    const files = [{ from: '~/.config/app/.env', to: '.env' }];
    const env = daemonEnvironment({ config, spec: { ...mugen!, files }, redisUrl: 'redis://10.0.0.1:6379', probe, version: 'v', secrets: { MY_KEY: 'v' } });
    expect(JSON.parse(env.AGENTFLEET_FILES!)).toEqual(files);
    expect(daemonEnvironment({ config, spec: mugen!, redisUrl: 'redis://10.0.0.1:6379', probe, version: 'v', secrets: {} })).not.toHaveProperty('AGENTFLEET_FILES');
    expect(() => forwardedSecrets({ ...mugen!, daemonEnv: { AGENTFLEET_FILES: '[]' } }, { MY_KEY: 'v' })).toThrow(/daemonEnv may not set AGENTFLEET_FILES/);
  });

  it('hands over notify: (urlEnv names, not URLs) and monitor.publicUrl; the URLs go as forwarded secrets, a missing one named', () => {
    const withNotify = parseConfig(
      [
        'redis: { url: "redis://10.0.0.1:6379", prefix: t }',
        'monitor: { publicUrl: "https://fleet.example.com" }',
        'notify:',
        '  - { urlEnv: SLACK_HOOK, format: slack, events: [run_failed] }',
        '  - { urlEnv: JSON_HOOK }',
        'hosts:',
        '  - { name: mugen, ssh: "deploy@10.0.0.5:22" }',
      ].join('\n'),
      'fleet.yaml',
    );
    const secrets = notifySecrets(withNotify, { SLACK_HOOK: 'https://hooks.slack.com/services/T/B/tok', JSON_HOOK: 'http://10.0.0.9/hook' });
    expect(secrets).toEqual({ SLACK_HOOK: 'https://hooks.slack.com/services/T/B/tok', JSON_HOOK: 'http://10.0.0.9/hook' });
    const env = daemonEnvironment({ config: withNotify, spec: withNotify.hosts[0]!, redisUrl: 'redis://10.0.0.1:6379', probe, version: 'v', secrets });
    expect(JSON.parse(env.AGENTFLEET_NOTIFY!)).toEqual([
      { urlEnv: 'SLACK_HOOK', format: 'slack', events: ['run_failed'] },
      { urlEnv: 'JSON_HOOK', format: 'json', events: ['run_finished', 'task_failed', 'approval_needed', 'budget_reached', 'host_down', 'provider_paused'] },
    ]);
    expect(env.AGENTFLEET_NOTIFY).not.toContain('hooks.slack.com');
    expect(env).toMatchObject({ AGENTFLEET_PUBLIC_URL: 'https://fleet.example.com', AGENTFLEET_SECRET_NAMES: 'SLACK_HOOK,JSON_HOOK', SLACK_HOOK: 'https://hooks.slack.com/services/T/B/tok' });
    expect(() => notifySecrets(withNotify, { SLACK_HOOK: 'x' })).toThrow(/notify: JSON_HOOK \(urlEnv in fleet.yaml\) is not set in this shell/);
    expect(() => forwardedSecrets({ ...withNotify.hosts[0]!, daemonEnv: { AGENTFLEET_NOTIFY: '[]' } }, {})).toThrow(/daemonEnv may not set AGENTFLEET_NOTIFY/);
  });
});
