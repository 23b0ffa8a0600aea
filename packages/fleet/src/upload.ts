// Recursive SFTP upload: directories first, then files a few at a time; modes kept exactly
// (chmod after writing, so the remote umask does not matter), symlinks copied as symlinks.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';

interface Entry { rel: string; kind: 'dir' | 'file' | 'symlink'; mode: number; size: number }

/** Every entry under root (relative POSIX paths), parents before children. */
export function walkDir(root: string): Entry[] {
  const out: Entry[] = [];
  const visit = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, r));
      if (st.isSymbolicLink()) out.push({ rel: r, kind: 'symlink', mode: 0o777, size: 0 });
      else if (st.isDirectory()) {
        out.push({ rel: r, kind: 'dir', mode: st.mode & 0o7777, size: 0 });
        visit(r);
      } else if (st.isFile()) out.push({ rel: r, kind: 'file', mode: st.mode & 0o7777, size: st.size });
    }
  };
  visit('');
  return out;
}

const call = <T = void>(fn: (cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> =>
  new Promise((res, rej) => fn((err, v) => (err ? rej(err) : res(v as T))));

async function ensureDir(sftp: SFTPWrapper, path: string): Promise<void> {
  try {
    await call((cb) => sftp.mkdir(path, { mode: 0o700 }, cb));
  } catch (e) {
    const st = await call<{ isDirectory(): boolean }>((cb) => sftp.stat(path, cb)).catch(() => undefined);
    if (!st?.isDirectory()) throw new Error(`cannot create directory ${path}: ${(e as Error).message}`);
  }
}

async function mkdirp(sftp: SFTPWrapper, dir: string): Promise<void> {
  const parts = dir.split('/');
  let cur = dir.startsWith('/') ? '' : '.';
  for (const p of parts) {
    if (!p) continue;
    cur = cur === '' ? `/${p}` : `${cur}/${p}`;
    const st = await call<{ isDirectory(): boolean }>((cb) => sftp.stat(cur, cb)).catch(() => undefined);
    if (!st) await call((cb) => sftp.mkdir(cur, cb));
    else if (!st.isDirectory()) throw new Error(`${cur} exists and is not a directory`);
  }
}

const PARALLEL = 8;
const FAST_PUT_MIN = 1 << 20;

export async function uploadDir(sftp: SFTPWrapper, localDir: string, remoteDir: string): Promise<void> {
  const entries = walkDir(localDir);
  await mkdirp(sftp, remoteDir);
  // Directories stay writable while files go in; their real modes are set last, deepest first.
  for (const e of entries) if (e.kind === 'dir') await ensureDir(sftp, posix.join(remoteDir, e.rel));
  const work = entries.filter((e) => e.kind !== 'dir');
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const e = work[next++]!;
      const remote = posix.join(remoteDir, e.rel);
      const local = join(localDir, e.rel);
      if (e.kind === 'symlink') {
        await call((cb) => sftp.symlink(readlinkSync(local), remote, cb));
        continue;
      }
      if (e.size >= FAST_PUT_MIN) await call((cb) => sftp.fastPut(local, remote, { mode: e.mode }, cb));
      else await call((cb) => sftp.writeFile(remote, readFileSync(local), { mode: e.mode }, cb));
      await call((cb) => sftp.chmod(remote, e.mode, cb));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, work.length) }, worker));
  for (const e of entries.filter((x) => x.kind === 'dir').reverse()) await call((cb) => sftp.chmod(posix.join(remoteDir, e.rel), e.mode, cb));
  await call((cb) => sftp.chmod(remoteDir, lstatSync(localDir).mode & 0o7777, cb));
}
