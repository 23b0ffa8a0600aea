import { cpSync, existsSync, lstatSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, sep, isAbsolute } from 'node:path';
import { FleetError, hostFilePath, type HostFile } from '@agentfleet/core';

/** `~/...` is this host's user's home; a relative `from` is relative to it too (as ssh would read it). */
const hostPath = (from: string) => hostFilePath(from, homedir());

/** The host's files (`AGENTFLEET_FILES`: JSON [{from, to}], paths only) as the daemon got them. */
export function parseHostFilesEnv(value: string | undefined): HostFile[] {
  if (!value) return [];
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch (e) {
    throw new FleetError('internal', `AGENTFLEET_FILES is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(list) || !list.every((f: unknown) => typeof (f as HostFile)?.from === 'string' && typeof (f as HostFile)?.to === 'string')) {
    throw new FleetError('internal', 'AGENTFLEET_FILES must be a JSON list of {from, to}');
  }
  return list as HostFile[];
}

const inside = (dir: string, p: string) => {
  const rel = relative(dir, p);
  return rel !== '' && !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
};

/**
 * Copies the host's files into the workspace before setup. Contents go from disk to disk only:
 * never logged, never in Redis. `to` was checked against the repository (not tracked) by the
 * caller; here it must also not lead out of the workspace through a symlink the repository has.
 */
export function copyHostFiles(files: readonly HostFile[], dir: string, host: string): void {
  const root = realpathSync(dir);
  for (const f of files) {
    const from = hostPath(f.from);
    if (!existsSync(from)) throw new FleetError('setup_failed', `host file ${f.from} (to ${f.to}) is missing on host ${host}: files in fleet.yaml name files of the host itself`, { host, to: f.to });
    const target = join(root, f.to);
    mkdirSync(dirname(target), { recursive: true });
    if (!inside(root, join(realpathSync(dirname(target)), f.to.split('/').at(-1)!))) {
      throw new FleetError('setup_failed', `host file ${f.to}: its folder leads out of the workspace (a symlink in the repository); refusing to copy it`, { host, to: f.to });
    }
    if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(target);
    cpSync(from, target, { recursive: true, dereference: true, force: true });
  }
}
