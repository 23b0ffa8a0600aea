// fleet.yaml host entry -> everything needed to open SSH: address, user, keys, known_hosts, jumps.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import SSHConfig from 'ssh-config';
import { InputError, type HostSpec } from '@agentfleet/core';

export interface ResolvedHost {
  /** Inventory name (fleet.yaml `name`). */
  name: string;
  /** Address or DNS name actually connected to (after ~/.ssh/config HostName). */
  host: string;
  port: number;
  user: string;
  /** Candidate private keys, in order (missing ones are skipped when connecting). */
  identityFiles: string[];
  /** The ProxyJump value as written, when there is one. */
  proxyJump?: string;
  /** ProxyJump hops, resolved, outermost first. */
  jumpHosts?: ResolvedHost[];
  knownHostsFile: string;
  slots?: number;
  labels: string[];
  env: string[];
}

export interface ResolveOptions {
  /** Default: <home>/.ssh/config (absent file = no aliases). */
  sshConfigPath?: string;
  /** The local home (for ~ and defaults). Default: os.homedir(). */
  home?: string;
  /** Local user name, the default remote user. Default: os.userInfo().username. */
  localUser?: string;
  /** Directory that relative paths in fleet.yaml are relative to (the config file's). Default: cwd. */
  baseDir?: string;
}

interface Destination { user?: string; host: string; port?: number }

/** Parses `user@host:port`, `host`, `[v6addr]:port`, `ssh://user@host:port`. */
export function parseDestination(text: string): Destination {
  let s = text.trim().replace(/^ssh:\/\//, '').replace(/\/$/, '');
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let host = s;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if ((s.match(/:/g) ?? []).length === 1) {
    const [h, p] = s.split(':');
    host = h!;
    if (!/^\d+$/.test(p ?? '')) throw new InputError(`ssh destination '${text}': port '${p}' is not a number`);
    port = Number(p);
  }
  if (!host || /\s/.test(host) || host.startsWith('-')) throw new InputError(`ssh destination '${text}' has no valid host`);
  if (user !== undefined && (!user || /[\s:/]/.test(user) || user.startsWith('-'))) throw new InputError(`ssh destination '${text}' has an invalid user`);
  if (port !== undefined && (port < 1 || port > 65535)) throw new InputError(`ssh destination '${text}': port ${port} is out of range`);
  return { host, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) };
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function all(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function loadSshConfig(path: string): SSHConfig | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return SSHConfig.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError([{ file: path, message: `cannot parse ssh config: ${(e as Error).message}` }]);
  }
}

const MAX_JUMPS = 5;

/** Resolves a fleet.yaml host entry through ~/.ssh/config (HostName, User, Port, IdentityFile, UserKnownHostsFile, ProxyJump). */
export function resolveHost(spec: Pick<HostSpec, 'name'> & Partial<HostSpec>, opts: ResolveOptions = {}): ResolvedHost {
  return resolveWithDepth(spec, opts, 0);
}

function resolveWithDepth(spec: Pick<HostSpec, 'name'> & Partial<HostSpec>, opts: ResolveOptions, depth: number): ResolvedHost {
  const home = opts.home ?? homedir();
  const localUser = opts.localUser ?? userInfo().username;
  const sshConfigPath = opts.sshConfigPath ?? join(home, '.ssh', 'config');
  const dest = parseDestination(spec.ssh ?? spec.name);
  const config = loadSshConfig(sshConfigPath);
  const computed = config ? config.compute(dest.host, { ignoreCase: true, matchExec: false }) : {};
  const get = (k: string) => computed[k.toLowerCase()];

  const hostName = (first(get('HostName')) ?? dest.host).replace(/%h/g, dest.host).replace(/%%/g, '%');
  const configPort = first(get('Port'));
  const port = dest.port ?? (configPort ? Number(configPort) : 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`host '${spec.name}': ssh port '${configPort}' in ${sshConfigPath} is not valid`);
  const user = dest.user ?? first(get('User')) ?? localUser;
  const paths = pathExpander({ home, localUser, user, hostName, port, alias: dest.host, baseDir: opts.baseDir ?? process.cwd() });

  const configured = all(get('IdentityFile')).map(paths.ssh);
  const defaults = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f));
  const identityFiles = [...new Set([...(spec.identityFile ? [paths.fleet(spec.identityFile)] : []), ...configured, ...defaults])];
  const userKnownHosts = first(get('UserKnownHostsFile'))?.split(/\s+/)[0];
  const knownHostsFile = spec.knownHosts ? paths.fleet(spec.knownHosts) : userKnownHosts ? paths.ssh(userKnownHosts) : join(home, '.ssh', 'known_hosts');

  const resolved: ResolvedHost = {
    name: spec.name,
    host: hostName,
    port,
    user,
    identityFiles,
    knownHostsFile,
    labels: spec.labels ?? [],
    env: spec.env ?? [],
    ...(spec.slots !== undefined ? { slots: spec.slots } : {}),
  };

  const proxyJump = first(get('ProxyJump'));
  if (proxyJump && proxyJump.toLowerCase() !== 'none') {
    if (depth >= MAX_JUMPS) throw new InputError(`host '${spec.name}': ProxyJump chain longer than ${MAX_JUMPS} hops (a loop in ${sshConfigPath}?)`);
    resolved.proxyJump = proxyJump;
    // Jumps of a hop come before the hop itself.
    resolved.jumpHosts = proxyJump.split(',').map((hop) => resolveWithDepth({ name: hop, ssh: hop }, opts, depth + 1));
  }
  return resolved;
}

interface ExpandContext {
  home: string;
  localUser: string;
  user: string;
  hostName: string;
  port: number;
  /** the name the host was asked by (ssh's %n) */
  alias: string;
  baseDir: string;
}

/**
 * ssh_config's % tokens and ~ in paths. fleet.yaml paths are relative to the config file;
 * ssh's own relative paths in ssh_config are relative to ~/.ssh.
 */
function pathExpander(c: ExpandContext): { fleet: (p: string) => string; ssh: (p: string) => string } {
  const fleet = (p: string) => {
    const t = p
      .replace(/%%/g, '\0')
      .replace(/%d/g, c.home)
      .replace(/%u/g, c.localUser)
      .replace(/%r/g, c.user)
      .replace(/%h/g, c.hostName)
      .replace(/%p/g, String(c.port))
      .replace(/%n/g, c.alias)
      .replace(/\0/g, '%');
    const tilde = t === '~' ? c.home : t.startsWith('~/') ? join(c.home, t.slice(2)) : t;
    return isAbsolute(tilde) ? tilde : resolve(c.baseDir, tilde);
  };
  const ssh = (p: string) => (p.startsWith('~') || p.startsWith('%d') || isAbsolute(p) ? fleet(p) : join(c.home, '.ssh', p));
  return { fleet, ssh };
}
