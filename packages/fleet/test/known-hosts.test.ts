import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendKnownHost, checkHostKey, fingerprintSha256, keyTypeOf, parseKnownHosts } from '@agentfleet/fleet';
import { removeDir, tempDir } from '@agentfleet/testkit';

const tmp = tempDir('kh-test');
afterAll(() => removeDir(tmp));

function newKey(name: string): { line: string; blob: Buffer; fp: string } {
  const file = join(tmp, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  const line = readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const fp = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  return { line, blob: Buffer.from(line.split(' ')[1]!, 'base64'), fp };
}

const a = newKey('a');
const b = newKey('b');

describe('known_hosts', () => {
  it('computes the same SHA256 fingerprint as ssh-keygen and reads the key type', () => {
    expect(fingerprintSha256(a.blob)).toBe(a.fp);
    expect(keyTypeOf(a.blob)).toBe('ssh-ed25519');
  });

  it('matches plain names, [host]:port, wildcards and negations', () => {
    const entries = parseKnownHosts([
      '# comment', '',
      `mugen,10.0.0.5 ${a.line}`,
      `[majin]:2222 ${a.line}`,
      `*.lab,!bad.lab ${b.line}`,
      `@cert-authority *.corp ${b.line}`,
    ].join('\n'));
    expect(checkHostKey(entries, 'mugen', 22, a.blob)).toEqual({ status: 'known', line: 3 });
    expect(checkHostKey(entries, '10.0.0.5', 22, a.blob).status).toBe('known');
    expect(checkHostKey(entries, 'MUGEN', 22, a.blob).status).toBe('known');
    expect(checkHostKey(entries, 'mugen', 2222, a.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'majin', 2222, a.blob).status).toBe('known');
    expect(checkHostKey(entries, 'majin', 22, a.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'x.lab', 22, b.blob).status).toBe('known');
    expect(checkHostKey(entries, 'bad.lab', 22, b.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'x.corp', 22, b.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'mugen', 22, b.blob)).toEqual({ status: 'changed', line: 3, oldFingerprint: a.fp });
  });

  it('matches hashed entries written by ssh-keygen -H, including [host]:port', () => {
    const file = join(tmp, 'hashed');
    writeFileSync(file, `mugen ${a.line}\n[127.0.0.9]:2200 ${b.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const entries = parseKnownHosts(readFileSync(file, 'utf8'));
    expect(entries.every((e) => e.hashed)).toBe(true);
    expect(checkHostKey(entries, 'mugen', 22, a.blob).status).toBe('known');
    expect(checkHostKey(entries, '127.0.0.9', 2200, b.blob).status).toBe('known');
    expect(checkHostKey(entries, '127.0.0.9', 22, b.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'mugen', 22, b.blob).status).toBe('changed');
  });

  it('refuses @revoked keys whatever the host', () => {
    const entries = parseKnownHosts(`mugen ${a.line}\n@revoked * ${a.line}\n`);
    expect(checkHostKey(entries, 'mugen', 22, a.blob)).toEqual({ status: 'revoked', line: 2 });
  });

  it('appends in OpenSSH form, adding a missing final newline, and ssh-keygen -F finds it', () => {
    const file = join(tmp, 'sub', 'known_hosts');
    appendKnownHost(file, '127.0.0.7', 2201, a.blob);
    writeFileSync(file, readFileSync(file, 'utf8') + `other ${b.line}`);
    appendKnownHost(file, 'mugen', 22, b.blob);
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.7]:2201 ${a.line}\nother ${b.line}\nmugen ${b.line}\n`);
    expect(execFileSync('ssh-keygen', ['-F', '[127.0.0.7]:2201', '-f', file], { encoding: 'utf8' })).toContain(a.line);
  });
});
