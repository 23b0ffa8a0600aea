// The /etc a sandboxed process sees: an allowlist of what tools need to run (the dynamic
// linker, name resolution, certificates, locales, Debian's alternatives) rather than /etc with
// holes, so that whatever else a host keeps there (shadow files, ssh host keys, sudoers,
// service credentials, the daemon's own configuration) stays out without being named. The
// users it knows are generated: the task's own user, root and nobody.
import { mkdirSync, readdirSync, readlinkSync, lstatSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SandboxIdentity } from './policy.js';

const ETC_ENTRIES = new Set([
  'hosts', 'hostname', 'resolv.conf', 'nsswitch.conf', 'host.conf', 'gai.conf', 'services', 'protocols', 'networks',
  'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'timezone', 'alternatives', 'environment.d',
  'ssl', 'ca-certificates', 'ca-certificates.conf', 'pki', 'crypto-policies', 'gnutls',
  'mime.types', 'magic', 'magic.mime', 'os-release', 'debian_version', 'lsb-release', 'issue',
  'bash.bashrc', 'inputrc', 'terminfo', 'locale.alias', 'locale.conf', 'locale.gen', 'gitconfig', 'shells', 'mtab',
  'vim', 'perl', 'fonts', 'xdg', 'manpath.config', 'subversion', 'mercurial', 'wgetrc', 'curlrc',
]);
/** Families of configuration named by version (python3.11, java-17-openjdk...). */
const ETC_PREFIXES = ['python', 'java-', 'php', 'ruby', 'node'];
/** Inside an allowed directory, what is hidden all the same. */
const ETC_HIDDEN = ['ssl/private'];

/** `--ro-bind`/`--symlink` arguments of the allowed /etc entries this host has. */
export function etcMountArgs(etc = '/etc'): string[] {
  const args: string[] = [];
  let names: string[];
  try {
    names = readdirSync(etc).sort();
  } catch {
    return args;
  }
  for (const name of names) {
    if (!ETC_ENTRIES.has(name) && !ETC_PREFIXES.some((p) => name.startsWith(p))) continue;
    const p = join(etc, name);
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isSymbolicLink()) {
      // a link into /usr or /proc works as a link; one elsewhere (resolv.conf -> /run/...) is bound as what it points at
      const target = readlinkSync(p);
      const abs = resolve(etc, target);
      if (abs.startsWith('/usr/') || abs.startsWith('/proc/')) args.push('--symlink', target, `/etc/${name}`);
      else args.push('--ro-bind-try', p, `/etc/${name}`);
    } else args.push('--ro-bind', p, `/etc/${name}`);
  }
  for (const h of ETC_HIDDEN) if (lstatSync(join(etc, h), { throwIfNoEntry: false })?.isDirectory()) args.push('--tmpfs', `/etc/${h}`);
  return args;
}

/**
 * Writes the sandbox's /etc/passwd and /etc/group into `dir` (atomically: workers of the host
 * may write theirs at the same time); identityMountArgs() puts them in place.
 */
export function writeIdentityFiles(dir: string, who: SandboxIdentity, home: string): void {
  mkdirSync(dir, { recursive: true });
  const passwd = [
    'root:x:0:0:root:/root:/usr/sbin/nologin',
    `agent:x:${who.uid}:${who.gid}:agentfleet task:${home}:/bin/sh`,
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  ];
  const group = ['root:x:0:', `agent:x:${who.gid}:`, 'nogroup:x:65534:'];
  const write = (name: string, lines: string[]) => {
    const tmp = join(dir, `${name}.${process.pid}`);
    writeFileSync(tmp, `${lines.filter((l, i, all) => all.findIndex((x) => x.split(':')[2] === l.split(':')[2]) === i).join('\n')}\n`);
    renameSync(tmp, join(dir, name));
  };
  write('passwd', passwd);
  write('group', group);
}

/** The binds of the files writeIdentityFiles() wrote. */
export function identityMountArgs(dir: string): string[] {
  return ['--ro-bind', join(dir, 'passwd'), '/etc/passwd', '--ro-bind', join(dir, 'group'), '/etc/group'];
}
