// One ssh2 connection to a host: host key checked against known_hosts, agent or key-file auth,
// optional ProxyJump hops; exec with stdin, streaming exec, recursive SFTP upload.
import { existsSync, readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { Client as ClientType, ClientChannel, ConnectConfig, AnyAuthMethod, SFTPWrapper } from 'ssh2';
import type { Readable } from 'node:stream';
import type { Logger } from '@agentfleet/telemetry';
import { HostKeyError, SshError } from './errors.js';
import { appendKnownHost, checkHostKey, fingerprintSha256, hostKeyAlgorithms, keyTypeLabel, keyTypeOf, knownHostName, knownKeyTypes, readKnownHosts } from './known-hosts.js';
import type { ResolvedHost } from './resolve-host.js';
import { shellCommand, shellQuote, shScript } from './shell-quote.js';
import { uploadDir } from './upload.js';

const { Client, utils } = ssh2;

export interface ConnectOptions {
  /** Record an unknown host key instead of refusing it (a changed key is always refused). */
  acceptNew?: boolean;
  /** ssh-agent socket. Default: $SSH_AUTH_SOCK. Pass '' to not use an agent. */
  agentSocket?: string;
  /** Handshake timeout. Default 20 s. */
  timeoutMs?: number;
  /** SSH keepalive interval (a dead host is noticed after 3 unanswered). Default 15 s; 0 = off. */
  keepaliveMs?: number;
  logger?: Logger;
}

export interface ExecResult {
  code: number;
  /** Set when the remote process was killed by a signal (then code is 128 + its number when known, else 255). */
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  stdin?: string | Buffer;
  /** Kill the channel after this long (the result then carries code 255 and signal 'TIMEOUT'). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The environment never travels as SSH env requests (sshd refuses them); send it on stdin. */
  env?: never;
}

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, PIPE: 13, TERM: 15, USR1: 10, USR2: 12 };

function describe(host: ResolvedHost): string {
  return `${host.name} (${host.user}@${host.host}:${host.port})`;
}

/** Why we stopped trusting a host key: message shows host, fingerprint and the fix. */
function hostKeyRefusal(host: ResolvedHost, key: Buffer, verdict: ReturnType<typeof checkHostKey>): HostKeyError | undefined {
  const fp = fingerprintSha256(key);
  const type = keyTypeLabel(keyTypeOf(key));
  const where = describe(host);
  const name = knownHostName(host.host, host.port);
  if (verdict.status === 'unknown') {
    return new HostKeyError('unknown', host.name, fp,
      `host key of ${where} is not known: it presents ${type} key ${fp}, which is not in ${host.knownHostsFile}.\n` +
      `Check this fingerprint with the host's administrator (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${type.toLowerCase()}_key.pub), ` +
      `then run again with --accept-new to record it.`,
      { knownHostsFile: host.knownHostsFile, keyType: type });
  }
  if (verdict.status === 'changed') {
    return new HostKeyError('changed', host.name, fp,
      `HOST KEY CHANGED for ${where}: it now presents ${type} key ${fp}, but ${host.knownHostsFile}:${verdict.line} records ${verdict.oldFingerprint}.\n` +
      `Someone may be intercepting the connection, or the host was reinstalled. Refusing to connect.\n` +
      `If the change is expected, remove the old key with: ssh-keygen -R ${shellQuote(name)} -f ${shellQuote(host.knownHostsFile)} ` +
      `and run again with --accept-new.`,
      { knownHostsFile: host.knownHostsFile, line: verdict.line, oldFingerprint: verdict.oldFingerprint, keyType: type });
  }
  if (verdict.status === 'revoked') {
    return new HostKeyError('revoked', host.name, fp,
      `host key ${fp} of ${where} is marked @revoked in ${host.knownHostsFile}:${verdict.line}; refusing to connect.`,
      { knownHostsFile: host.knownHostsFile, line: verdict.line });
  }
  return undefined;
}

/** Auth methods to try in order: the agent, then each readable unencrypted key file. */
function authMethods(host: ResolvedHost, agentSocket: string | undefined, tried: string[]): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  if (agentSocket && existsSync(agentSocket)) {
    methods.push({ type: 'agent', username: host.user, agent: agentSocket });
    tried.push(`ssh-agent (${agentSocket})`);
  }
  for (const file of host.identityFiles) {
    if (!existsSync(file)) continue;
    let key: Buffer;
    try {
      key = readFileSync(file);
    } catch {
      tried.push(`${file} (unreadable)`);
      continue;
    }
    const parsed = utils.parseKey(key);
    if (parsed instanceof Error) {
      tried.push(`${file} (${/passphrase/i.test(parsed.message) ? 'encrypted: load it into ssh-agent' : parsed.message})`);
      continue;
    }
    methods.push({ type: 'publickey', username: host.user, key });
    tried.push(file);
  }
  return methods;
}

export class SshSession {
  readonly host: ResolvedHost;
  private readonly client: ClientType;
  private readonly jump?: SshSession;
  private readonly logger?: Logger;
  private sftpChannel?: Promise<SFTPWrapper>;
  private closed = false;

  private constructor(host: ResolvedHost, client: ClientType, jump: SshSession | undefined, logger: Logger | undefined) {
    this.host = host;
    this.client = client;
    this.jump = jump;
    this.logger = logger;
    client.on('close', () => {
      this.closed = true;
    });
  }

  /** Opens the connection (through ProxyJump hops when configured). */
  static async connect(host: ResolvedHost, opts: ConnectOptions = {}): Promise<SshSession> {
    let jump: SshSession | undefined;
    let sock: Readable | undefined;
    const hops = host.jumpHosts ?? [];
    if (hops.length > 0) {
      // Connect through the chain: each hop is reached through the previous one.
      const last = hops[hops.length - 1]!;
      const chained: ResolvedHost = hops.length > 1 ? { ...last, jumpHosts: hops.slice(0, -1) } : last;
      jump = await SshSession.connect(chained, opts);
      try {
        sock = await jump.forwardOut(host.host, host.port);
      } catch (e) {
        jump.close();
        throw new SshError(host.name, `cannot reach ${describe(host)} through jump host ${last.name}: ${(e as Error).message}`);
      }
    }
    try {
      return await SshSession.handshake(host, opts, jump, sock);
    } catch (e) {
      jump?.close();
      throw e;
    }
  }

  private static handshake(host: ResolvedHost, opts: ConnectOptions, jump: SshSession | undefined, sock: Readable | undefined): Promise<SshSession> {
    const entries = readKnownHosts(host.knownHostsFile);
    const tried: string[] = [];
    const methods = authMethods(host, opts.agentSocket ?? process.env.SSH_AUTH_SOCK, tried);
    if (methods.length === 0) {
      return Promise.reject(new SshError(host.name,
        `no SSH credentials for ${describe(host)}: no ssh-agent ($SSH_AUTH_SOCK) and none of these key files is usable: ${host.identityFiles.join(', ')}`));
    }
    let refusal: HostKeyError | undefined;
    const client = new Client();
    const config: ConnectConfig = {
      host: host.host,
      port: host.port,
      username: host.user,
      readyTimeout: opts.timeoutMs ?? 20_000,
      keepaliveInterval: opts.keepaliveMs ?? 15_000,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: hostKeyAlgorithms(knownKeyTypes(entries, host.host, host.port)) as never },
      authHandler: methods,
      hostVerifier: (key: Buffer): boolean => {
        const verdict = checkHostKey(entries, host.host, host.port, key);
        if (verdict.status === 'known') return true;
        if (verdict.status === 'unknown' && opts.acceptNew) {
          appendKnownHost(host.knownHostsFile, host.host, host.port, key);
          opts.logger?.warn({ host: host.name, fingerprint: fingerprintSha256(key), file: host.knownHostsFile }, 'recorded new host key');
          return true;
        }
        refusal = hostKeyRefusal(host, key, verdict);
        return false;
      },
      ...(sock ? { sock } : {}),
    };
    return new Promise((resolvePromise, reject) => {
      let settled = false;
      client.once('ready', () => {
        settled = true;
        opts.logger?.debug({ host: host.name }, 'ssh connected');
        resolvePromise(new SshSession(host, client, jump, opts.logger));
      });
      client.on('error', (err: Error & { level?: string }) => {
        if (settled) {
          opts.logger?.warn({ host: host.name, err: err.message }, 'ssh connection error');
          return;
        }
        settled = true;
        client.end();
        if (refusal) return reject(refusal);
        if (err.level === 'client-authentication') {
          return reject(new SshError(host.name,
            `authentication failed for ${describe(host)}; tried: ${tried.join(', ')}. ` +
            `Add your public key to ~${host.user}/.ssh/authorized_keys on the host, or set identityFile in fleet.yaml.`));
        }
        reject(new SshError(host.name, `cannot connect to ${describe(host)}: ${err.message}`, { code: (err as NodeJS.ErrnoException).code }));
      });
      client.connect(config);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A TCP stream to host:port opened from the remote side (used for ProxyJump). */
  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((res, rej) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, ch) => (err ? rej(err) : res(ch)));
    });
  }

  /**
   * Opens an exec channel and wires it up in the same tick: ssh2 may parse the command's exit
   * status in the same chunk as the channel confirmation, before any await could resume.
   */
  private openExec<T>(command: string, wire: (ch: ClientChannel, done: (v: T) => void) => void): Promise<T> {
    if (this.closed) return Promise.reject(new SshError(this.host.name, `SSH connection to ${describe(this.host)} is closed`));
    return new Promise((res, rej) => {
      this.client.exec(command, (err, ch) => {
        if (err) rej(new SshError(this.host.name, `cannot run a command on ${describe(this.host)}: ${err.message}`));
        else wire(ch, res);
      });
    });
  }

  /** Runs a command built from argv (quoted here) or already quoted with shellQuote/shellCommand. */
  exec(command: string | readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const line = typeof command === 'string' ? command : shellCommand(command);
    this.logger?.debug({ host: this.host.name, command: line.slice(0, 200) }, 'ssh exec');
    return this.openExec<ExecResult>(line, (ch, res) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let code = 255;
      let signal: string | undefined;
      let timer: NodeJS.Timeout | undefined;
      const kill = (why: string) => {
        signal = why;
        ch.close();
      };
      if (opts.timeoutMs) timer = setTimeout(() => kill('TIMEOUT'), opts.timeoutMs);
      const onAbort = () => kill('ABORT');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      ch.on('data', (d: Buffer) => out.push(d));
      ch.stderr.on('data', (d: Buffer) => err.push(d));
      ch.on('exit', (c: number | null, sig?: string) => {
        if (typeof c === 'number') code = c;
        else if (sig) {
          signal = sig;
          code = 128 + (SIGNALS[sig] ?? 127);
        }
      });
      ch.on('close', () => {
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        res({ code, ...(signal ? { signal } : {}), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
      ch.end(opts.stdin ?? undefined);
    });
  }

  /** Like exec, but a non-zero exit becomes an SshError naming the host, the step and stderr. */
  async run(step: string, command: string | readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.exec(command, opts);
    if (r.code !== 0) {
      const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-5).join('\n');
      throw new SshError(this.host.name, `${step} failed on ${describe(this.host)} (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})${detail ? `: ${detail}` : ''}`, { code: r.code });
    }
    return r;
  }

  /**
   * Streams a long-running command's output (`tail -f`). Aborting closes the command's stdin;
   * a watcher on the remote side then ends the whole command (its process group), so nothing
   * is left running on the host. Resolves with the exit code.
   */
  stream(command: string | readonly string[], onData: (chunk: string, stream: 'stdout' | 'stderr') => void, signal?: AbortSignal): Promise<number> {
    const line = typeof command === 'string' ? command : shellCommand(command);
    const wrapped = shScript('exec 3<&0; sh -c "$1" </dev/null & p=$!; { cat <&3 >/dev/null 2>&1; kill -TERM 0 2>/dev/null; } & wait "$p"', [line]);
    return this.openExec<number>(wrapped, (ch, res) => {
      let code = 255;
      let fallback: NodeJS.Timeout | undefined;
      const onAbort = () => {
        ch.end();
        fallback = setTimeout(() => ch.close(), 3000);
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      ch.setEncoding('utf8');
      ch.stderr.setEncoding('utf8');
      ch.on('data', (d: string) => onData(d, 'stdout'));
      ch.stderr.on('data', (d: string) => onData(d, 'stderr'));
      ch.on('exit', (c: number | null, sig?: string) => {
        code = typeof c === 'number' ? c : 128 + (SIGNALS[sig ?? ''] ?? 127);
      });
      ch.on('close', () => {
        if (fallback) clearTimeout(fallback);
        signal?.removeEventListener('abort', onAbort);
        res(code);
      });
    });
  }

  /** The SFTP channel (opened once per session). */
  sftp(): Promise<SFTPWrapper> {
    this.sftpChannel ??= new Promise((res, rej) => {
      this.client.sftp((err, s) => (err ? rej(new SshError(this.host.name, `cannot open SFTP on ${describe(this.host)}: ${err.message}`)) : res(s)));
    });
    return this.sftpChannel;
  }

  /** Copies a local directory tree to remoteDir (created; absolute or relative to the login directory), keeping file modes and symlinks. */
  async upload(localDir: string, remoteDir: string): Promise<void> {
    const sftp = await this.sftp();
    try {
      await uploadDir(sftp, localDir, remoteDir);
    } catch (e) {
      throw new SshError(this.host.name, `upload of ${localDir} to ${describe(this.host)}:${remoteDir} failed: ${(e as Error).message}`);
    }
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.client.end();
    }
    this.jump?.close();
  }
}
