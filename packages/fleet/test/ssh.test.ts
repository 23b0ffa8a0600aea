// Real sshd hosts (scripts/test-hosts): connect, exec, stream, upload, host keys, aliases, ProxyJump.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostKeyError, SshError, SshSession, resolveHost, shellCommand, type ResolvedHost } from '@agentfleet/fleet';
import { canRunTestHosts, removeDir, startTestHosts, tempDir, type TestHosts } from '@agentfleet/testkit';

const enabled = canRunTestHosts();
const noAgent = { agentSocket: '' };

describe.skipIf(!enabled)('SshSession over real sshd', () => {
  let th: TestHosts;
  let tmp: string;
  let h1: ResolvedHost;

  beforeAll(async () => {
    th = await startTestHosts({ n: 2, firstIp: 2, userPrefix: 'afhost' });
    tmp = tempDir('ssh-test');
    h1 = resolveHost(th.hosts[0]!, { home: tmp });
  });

  afterAll(async () => {
    await th?.down();
    if (tmp) removeDir(tmp);
  });

  it('connects and runs commands built from argv: stdout, stderr, exit code, stdin', async () => {
    const s = await SshSession.connect(h1, noAgent);
    try {
      const tricky = ['a b', "it's", '$HOME', '`id`', '"q"', '*', 'x;y', '\\n'];
      const r = await s.exec(shellCommand(['printf', '%s|', ...tricky]));
      expect(r).toMatchObject({ code: 0, stdout: tricky.map((t) => `${t}|`).join('') });
      expect((await s.exec(['whoami'])).stdout.trim()).toBe('afhost1');
      const failing = await s.exec(['sh', '-c', 'echo oops >&2; exit 7']);
      expect(failing).toMatchObject({ code: 7, stderr: 'oops\n' });
      const input = `line one\nsecret-looking ${randomBytes(8).toString('hex')}\n`;
      expect((await s.exec(['cat'], { stdin: input })).stdout).toBe(input);
      await expect(s.run('a failing step', ['sh', '-c', 'echo broken >&2; exit 3'])).rejects.toThrow(/a failing step failed on h1 .*exit 3.*broken/);
    } finally {
      s.close();
    }
  });

  it('streams output and, when aborted, leaves nothing running on the host', async () => {
    const s = await SshSession.connect(h1, noAgent);
    try {
      const marker = `/tmp/af-stream-${randomBytes(4).toString('hex')}.log`;
      await s.run('write log', ['sh', '-c', 'echo first > "$1"', 'sh', marker]);
      const ac = new AbortController();
      let seen = '';
      const done = s.stream(['tail', '-n', '+1', '-f', marker], (chunk, which) => {
        if (which === 'stdout') seen += chunk;
        if (seen.includes('second')) ac.abort();
      }, ac.signal);
      await new Promise((r) => setTimeout(r, 300));
      await s.run('append log', ['sh', '-c', 'echo second >> "$1"', 'sh', marker]);
      await done;
      expect(seen).toBe('first\nsecond\n');
      let left = '';
      for (let i = 0; i < 50; i++) {
        left = (await s.exec(['ps', '-u', 'afhost1', '-o', 'args='])).stdout;
        if (!left.includes(marker)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(left).not.toContain(marker);
      await s.exec(['rm', '-f', marker]);
    } finally {
      s.close();
    }
  });

  it('uploads a directory tree over SFTP keeping modes, symlinks and large files', async () => {
    const local = join(tmp, 'bundle');
    mkdirSync(join(local, 'lib', 'deep'), { recursive: true });
    writeFileSync(join(local, 'run.sh'), '#!/bin/sh\necho ran\n');
    chmodSync(join(local, 'run.sh'), 0o755);
    writeFileSync(join(local, 'private.txt'), 'p');
    chmodSync(join(local, 'private.txt'), 0o600);
    writeFileSync(join(local, 'lib', 'deep', 'big.bin'), randomBytes(3 * 1024 * 1024));
    symlinkSync('lib/deep/big.bin', join(local, 'big-link'));
    chmodSync(join(local, 'lib'), 0o750);
    const s = await SshSession.connect(h1, noAgent);
    try {
      await s.upload(local, '/home/afhost1/upload-test/nested');
      const r = await s.run('inspect', ['sh', '-c', 'cd "$1" && stat -c "%a %F %n" run.sh private.txt lib lib/deep/big.bin && readlink big-link && sha256sum lib/deep/big.bin && ./run.sh', 'sh', '/home/afhost1/upload-test/nested']);
      const localSum = execFileSync('sha256sum', ['lib/deep/big.bin'], { cwd: local, encoding: 'utf8' });
      expect(r.stdout).toBe([
        '755 regular file run.sh', '600 regular file private.txt', '750 directory lib', '644 regular file lib/deep/big.bin',
        'lib/deep/big.bin', localSum.trim(), 'ran', '',
      ].join('\n'));
      await s.exec(['rm', '-rf', '/home/afhost1/upload-test']);
    } finally {
      s.close();
    }
  });

  it('refuses a changed host key, showing host, fingerprint and the ssh-keygen -R fix', async () => {
    const other = join(tmp, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const kh = join(tmp, 'known_hosts_changed');
    const pub = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(kh, `[127.0.0.2]:${th.port} ${pub}\n`);
    const real = execFileSync('ssh-keygen', ['-lf', join(th.dir, 'hosts', 'h1', 'ssh_host_ed25519_key.pub')], { encoding: 'utf8' }).split(' ')[1]!;
    for (const acceptNew of [false, true]) {
      const err = await SshSession.connect({ ...h1, knownHostsFile: kh }, { ...noAgent, acceptNew }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      const e = err as HostKeyError;
      expect(e.problem).toBe('changed');
      expect(e.fingerprint).toBe(real);
      expect(e.message).toContain(real);
      expect(e.message).toContain('h1 (afhost1@127.0.0.2');
      expect(e.message).toContain(`ssh-keygen -R '[127.0.0.2]:${th.port}' -f ${kh}`);
    }
    expect(readFileSync(kh, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('refuses an unknown host key unless acceptNew, which records it for next time', async () => {
    const kh = join(tmp, 'fresh', 'known_hosts');
    const err = await SshSession.connect({ ...h1, knownHostsFile: kh }, noAgent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as HostKeyError).problem).toBe('unknown');
    expect((err as Error).message).toMatch(/is not known: it presents ED25519 key SHA256:[A-Za-z0-9+/]{43}.*--accept-new/s);
    const s = await SshSession.connect({ ...h1, knownHostsFile: kh }, { ...noAgent, acceptNew: true });
    s.close();
    expect(readFileSync(kh, 'utf8')).toMatch(new RegExp(`^\\[127\\.0\\.0\\.2\\]:${th.port} ssh-ed25519 AAAA\\S+\\n$`));
    const again = await SshSession.connect({ ...h1, knownHostsFile: kh }, noAgent);
    again.close();
  });

  it('accepts hashed known_hosts entries (ssh-keygen -H)', async () => {
    const kh = join(tmp, 'known_hosts_hashed');
    writeFileSync(kh, readFileSync(th.knownHosts));
    execFileSync('ssh-keygen', ['-q', '-H', '-f', kh], { stdio: 'ignore' });
    expect(readFileSync(kh, 'utf8')).toMatch(/^\|1\|/);
    const s = await SshSession.connect({ ...h1, knownHostsFile: kh }, noAgent);
    expect((await s.exec(['whoami'])).stdout.trim()).toBe('afhost1');
    s.close();
  });

  it('resolves an alias through an ssh config file and connects with it', async () => {
    const cfg = join(tmp, 'ssh_config_alias');
    writeFileSync(cfg, [
      'Host mugen-test', '  HostName 127.0.0.3', `  Port ${th.port}`, '  User afhost2', `  IdentityFile ${th.identityFile}`, `  UserKnownHostsFile ${th.knownHosts}`,
      'Host *', '  User nobody-default', '',
    ].join('\n'));
    const host = resolveHost({ name: 'mugen', ssh: 'mugen-test', labels: ['big'], env: ['OPENAI_API_KEY'] }, { sshConfigPath: cfg, home: tmp });
    expect(host).toMatchObject({ name: 'mugen', host: '127.0.0.3', port: th.port, user: 'afhost2', knownHostsFile: th.knownHosts, labels: ['big'], env: ['OPENAI_API_KEY'] });
    expect(host.identityFiles[0]).toBe(th.identityFile);
    const s = await SshSession.connect(host, noAgent);
    expect((await s.exec(['whoami'])).stdout.trim()).toBe('afhost2');
    s.close();
  });

  it('connects through a ProxyJump host', async () => {
    const cfg = join(tmp, 'ssh_config_jump');
    writeFileSync(cfg, [
      'Host jumpbox', '  HostName 127.0.0.2', `  Port ${th.port}`, '  User afhost1', `  IdentityFile ${th.identityFile}`, `  UserKnownHostsFile ${th.knownHosts}`,
      'Host inner', '  HostName 127.0.0.3', `  Port ${th.port}`, '  User afhost2', `  IdentityFile ${th.identityFile}`, `  UserKnownHostsFile ${th.knownHosts}`, '  ProxyJump jumpbox', '',
    ].join('\n'));
    const host = resolveHost({ name: 'inner', ssh: 'inner' }, { sshConfigPath: cfg, home: tmp });
    expect(host.jumpHosts?.map((j) => j.user)).toEqual(['afhost1']);
    const s = await SshSession.connect(host, noAgent);
    const r = await s.exec(['sh', '-c', 'whoami; echo "$SSH_CLIENT"']);
    s.close();
    // The hop to 127.0.0.3 comes from the jump host's side of the forward.
    expect(r.stdout).toMatch(/^afhost2\n127\.0\.0\.1 /);
  });

  it('says which keys were tried when authentication fails', async () => {
    const stranger = join(tmp, 'stranger_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const err = await SshSession.connect({ ...h1, identityFiles: [stranger] }, noAgent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshError);
    expect((err as Error).message).toContain(`authentication failed for h1 (afhost1@127.0.0.2:${th.port}); tried: ${stranger}`);
  });

  it('reports an unreachable host with its name and address', async () => {
    const err = await SshSession.connect({ ...h1, port: 1 }, noAgent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshError);
    expect((err as Error).message).toMatch(/cannot connect to h1 \(afhost1@127\.0\.0\.2:1\): .*ECONNREFUSED/);
  });
});
