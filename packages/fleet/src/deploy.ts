// Content-addressed bundle deploy: releases/<hash>/ appears whole (upload to a temp dir, then
// rename) and releases/current flips atomically (symlink, then rename over the old one).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { HOME_DIR_NAME, homeLayout } from '@agentfleet/host-contract';
import type { Logger } from '@agentfleet/telemetry';
import { SshError } from './errors.js';
import type { SshSession } from './session.js';
import { shellCommand } from './shell-quote.js';
import { walkDir } from './upload.js';

/** Hash of a bundle: relative paths, file contents, exec bits and symlink targets (not times). */
export function hashBundle(bundleDir: string): string {
  const h = createHash('sha256');
  for (const e of walkDir(bundleDir)) {
    const abs = join(bundleDir, e.rel);
    h.update(`${e.kind}\0${e.rel}\0${e.kind === 'file' && e.mode & 0o111 ? 'x' : '-'}\0`);
    if (e.kind === 'file') h.update(createHash('sha256').update(readFileSync(abs)).digest());
    else if (e.kind === 'symlink') h.update(readlinkSync(abs));
    h.update('\n');
  }
  return h.digest('hex').slice(0, 20);
}

export interface DeployOptions {
  /** The agentfleet home on the host: absolute, or relative to the login directory. Default `.agentfleet`. */
  root?: string;
  /** Precomputed hashBundle(bundleDir) (when deploying one bundle to many hosts). */
  hash?: string;
  logger?: Logger;
}

export interface DeployResult {
  hash: string;
  /** False when the host already had this release. */
  uploaded: boolean;
  /** Absolute path of the release on the host. */
  releaseDir: string;
  /** Absolute path of the `current` link (points at releaseDir). */
  currentLink: string;
}

const call = <T = void>(fn: (cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> =>
  new Promise((res, rej) => fn((err, v) => (err ? rej(err) : res(v as T))));

async function isDir(sftp: SFTPWrapper, path: string): Promise<boolean> {
  const st = await call<{ isDirectory(): boolean }>((cb) => sftp.stat(path, cb)).catch(() => undefined);
  return st?.isDirectory() ?? false;
}

/** The remote home directory as an absolute path (SFTP starts in it). */
export async function remoteHome(s: SshSession): Promise<string> {
  const sftp = await s.sftp();
  return call<string>((cb) => sftp.realpath('.', cb));
}

export async function deployBundle(s: SshSession, bundleDir: string, opts: DeployOptions = {}): Promise<DeployResult> {
  const hash = opts.hash ?? hashBundle(bundleDir);
  const sftp = await s.sftp();
  const layout = homeLayout(posix.resolve(await remoteHome(s), opts.root ?? HOME_DIR_NAME));
  const releases = layout.releases;
  const releaseDir = posix.join(releases, hash);
  const currentLink = layout.currentRelease;
  let uploaded = false;

  if (!(await isDir(sftp, releaseDir))) {
    const tmp = posix.join(releases, `.tmp-${hash}-${randomBytes(4).toString('hex')}`);
    try {
      await s.upload(bundleDir, tmp);
      await call((cb) => sftp.ext_openssh_rename(tmp, releaseDir, cb));
      uploaded = true;
    } catch (e) {
      await s.exec(shellCommand(['rm', '-rf', '--', tmp]));
      // A concurrent deploy of the same bundle won the rename: that is the same release.
      if (!(await isDir(sftp, releaseDir))) throw e instanceof SshError ? e : new SshError(s.host.name, `deploying release ${hash} to ${s.host.name} failed: ${(e as Error).message}`);
    }
  }

  const linkTmp = posix.join(releases, `.current-${randomBytes(4).toString('hex')}`);
  try {
    await call((cb) => sftp.symlink(hash, linkTmp, cb));
    await call((cb) => sftp.ext_openssh_rename(linkTmp, currentLink, cb));
  } catch (e) {
    await call((cb) => sftp.unlink(linkTmp, cb)).catch(() => undefined);
    throw new SshError(s.host.name, `cannot point ${currentLink} at release ${hash} on ${s.host.name}: ${(e as Error).message}`);
  }
  opts.logger?.info({ host: s.host.name, hash, uploaded }, uploaded ? 'release uploaded' : 'release already on host');
  return { hash, uploaded, releaseDir, currentLink };
}
