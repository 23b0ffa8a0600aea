import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '@agentfleet/core';
import { parseDestination, resolveHost } from '@agentfleet/fleet';
import { removeDir, tempDir } from '@agentfleet/testkit';

const home = tempDir('resolve-test');
afterAll(() => removeDir(home));
const base = { home, localUser: 'me', baseDir: '/etc/agentfleet' };

describe('resolveHost', () => {
  it('parses destinations', () => {
    expect(parseDestination('deploy@10.0.0.5:2222')).toEqual({ user: 'deploy', host: '10.0.0.5', port: 2222 });
    expect(parseDestination('mugen')).toEqual({ host: 'mugen' });
    expect(parseDestination('ssh://u@[::1]:2200')).toEqual({ user: 'u', host: '::1', port: 2200 });
    expect(parseDestination('fe80::1')).toEqual({ host: 'fe80::1' });
    expect(() => parseDestination('u@h:99999')).toThrow(InputError);
    expect(() => parseDestination('u@h:abc')).toThrow(/port 'abc' is not a number/);
    expect(() => parseDestination('-oProxyCommand=x')).toThrow(/no valid host/);
  });

  it('uses defaults without an ssh config', () => {
    const r = resolveHost({ name: 'mugen', ssh: 'deploy@10.0.0.5', slots: 12, labels: ['big'], env: ['K'] }, { ...base, sshConfigPath: join(home, 'none') });
    expect(r).toEqual({
      name: 'mugen', host: '10.0.0.5', port: 22, user: 'deploy', slots: 12, labels: ['big'], env: ['K'],
      knownHostsFile: join(home, '.ssh', 'known_hosts'),
      identityFiles: ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f)),
    });
    expect(resolveHost({ name: 'majin' }, { ...base, sshConfigPath: join(home, 'none') })).toMatchObject({ host: 'majin', user: 'me', port: 22 });
  });

  it('applies HostName, User, Port, IdentityFile (with tokens), UserKnownHostsFile; fleet.yaml wins', () => {
    const cfg = join(home, 'config');
    writeFileSync(cfg, [
      'Host mugen', '  HostName %h.lan', '  User deploy', '  Port 2200', '  IdentityFile ~/.ssh/%r_key', '  IdentityFile keys/second', '  UserKnownHostsFile ~/.ssh/kh_%h',
      'Host *', '  User fallback', '  Port 2999', '',
    ].join('\n'));
    const r = resolveHost({ name: 'm', ssh: 'mugen' }, { ...base, sshConfigPath: cfg });
    expect(r).toMatchObject({ host: 'mugen.lan', user: 'deploy', port: 2200, knownHostsFile: join(home, '.ssh', 'kh_mugen.lan') });
    expect(r.identityFiles.slice(0, 2)).toEqual([join(home, '.ssh', 'deploy_key'), join(home, '.ssh', 'keys/second')]);
    const o = resolveHost({ name: 'm', ssh: 'root@mugen:22', identityFile: 'keys/k', knownHosts: '~/kh' }, { ...base, sshConfigPath: cfg });
    expect(o).toMatchObject({ host: 'mugen.lan', user: 'root', port: 22, knownHostsFile: join(home, 'kh') });
    expect(o.identityFiles[0]).toBe('/etc/agentfleet/keys/k');
    expect(resolveHost({ name: 'other' }, { ...base, sshConfigPath: cfg })).toMatchObject({ host: 'other', user: 'fallback', port: 2999 });
  });

  it('resolves ProxyJump chains and stops loops', () => {
    const cfg = join(home, 'config-jump');
    writeFileSync(cfg, [
      'Host inner', '  HostName 10.1.0.2', '  ProxyJump gw1,admin@gw2:2022',
      'Host gw1', '  HostName 203.0.113.1', '  User jumper',
      'Host loop', '  ProxyJump loop', '',
    ].join('\n'));
    const r = resolveHost({ name: 'inner', ssh: 'inner' }, { ...base, sshConfigPath: cfg });
    expect(r.proxyJump).toBe('gw1,admin@gw2:2022');
    expect(r.jumpHosts?.map((j) => `${j.user}@${j.host}:${j.port}`)).toEqual(['jumper@203.0.113.1:22', 'admin@gw2:2022']);
    expect(() => resolveHost({ name: 'loop', ssh: 'loop' }, { ...base, sshConfigPath: cfg })).toThrow(/ProxyJump chain longer than 5 hops/);
  });
});
