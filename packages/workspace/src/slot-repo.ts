// A slot's own git repository, `<slot>/wt/.git`: it borrows the host mirror's objects read-only
// through alternates, so the agent in the slot may run git (commit, branch, reset) without
// being able to touch the mirror, its refs or another slot. The agent owns this .git while it
// runs; before the worker runs git there itself (outside any sandbox), trustSlotRepo() puts
// back what the worker relies on, so nothing an agent wrote there runs as the worker.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { git, type Identity } from './git.js';

/** What may stay at the top of a slot's .git: everything else (commondir, config.worktree, modules, worktrees, remotes...) is removed. */
const KEPT_ENTRIES = new Set([
  'HEAD', 'config', 'description', 'index', 'objects', 'refs', 'packed-refs', 'logs', 'info', 'hooks',
  'ORIG_HEAD', 'FETCH_HEAD', 'MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'MERGE_RR', 'AUTO_MERGE', 'CHERRY_PICK_HEAD', 'REVERT_HEAD',
  'COMMIT_EDITMSG', 'rebase-merge', 'rebase-apply', 'sequencer', 'rr-cache', 'index.lock', 'HEAD.lock', 'ORIG_HEAD.lock', 'packed-refs.lock',
  'BISECT_LOG', 'BISECT_START', 'BISECT_TERMS', 'BISECT_EXPECTED_REV', 'BISECT_ANCESTORS_OK', 'BISECT_NAMES',
]);
/** Of .git/info, only these: grafts and attributes would change what the worker's git sees or runs. */
const KEPT_INFO = new Set(['exclude', 'sparse-checkout']);
/** Must be real directories (not symlinks): otherwise the repository is rebuilt. */
const STRUCTURE = ['objects', 'refs'];

export const slotGitDir = (wt: string) => join(wt, '.git');
const alternatesFile = (wt: string) => join(slotGitDir(wt), 'objects', 'info', 'alternates');

/** A config value as git reads it back: quoted, with \ and " escaped (names may hold # or ;). */
const quoted = (v: string) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, ' ')}"`;

/**
 * The slot repository's whole config, written by the worker and never read back from disk:
 * what an agent changed there (hooks, fsmonitor, filters, url rewrites) is gone on the next
 * trustSlotRepo(). Unpushed work is counted against the mirror's remote and preserved refs.
 */
export function slotRepoConfig(mirror: string, who: Identity | undefined): string {
  return [
    '[core]',
    '\trepositoryformatversion = 0',
    '\tfilemode = true',
    '\tbare = false',
    '\tlogallrefupdates = false',
    '\tuseReplaceRefs = false',
    // Slot switches rescan big trees: the untracked cache lets `clean` skip unchanged
    // directories, index v4 and the skipped index hash make index writes cheaper.
    '\tuntrackedCache = true',
    '\talternateRefsPrefixes = refs/remotes/ refs/agentfleet/unpushed/',
    '[index]',
    '\tversion = 4',
    '\tskipHash = true',
    '[gc]',
    '\tautoDetach = false',
    ...(who ? ['[user]', `\tname = ${quoted(who.name)}`, `\temail = ${quoted(who.email)}`] : []),
    '[agentfleet]',
    `\tmirror = ${quoted(mirror)}`,
    '',
  ].join('\n');
}

/** The mirror whose objects the slot repository at `wt` borrows, if `wt` holds one. */
export function slotRepoMirror(wt: string): string | undefined {
  try {
    if (!lstatSync(slotGitDir(wt)).isDirectory()) return undefined;
    const line = readFileSync(alternatesFile(wt), 'utf8').split('\n')[0]?.trim();
    return line?.endsWith('/objects') ? dirname(line) : undefined;
  } catch {
    return undefined;
  }
}

/** A new, empty slot repository at `wt` borrowing `mirror`'s objects (the caller checks out its base). */
export async function createSlotRepo(wt: string, mirror: string, who: Identity | undefined): Promise<void> {
  mkdirSync(wt, { recursive: true });
  await git(['init', '-q', '--template=', wt]);
  writeTrusted(wt, mirror, who);
}

/**
 * Makes the slot repository at `wt` safe for the worker's own git again, whatever a sandboxed
 * process did to it: the config and alternates rewritten, hooks emptied, every entry git would
 * follow elsewhere removed. Returns false when its structure is gone (no .git directory, no
 * HEAD, objects or refs as symlinks): then the caller rebuilds it (rebuildSlotRepo).
 */
export function trustSlotRepo(wt: string, mirror: string, who: Identity | undefined): boolean {
  const dir = slotGitDir(wt);
  if (!isRealDir(dir) || !STRUCTURE.every((n) => isRealDir(join(dir, n))) || !existsSync(join(dir, 'HEAD'))) return false;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!KEPT_ENTRIES.has(name) || lstatSync(p).isSymbolicLink()) rmSync(p, { recursive: true, force: true });
  }
  if (isRealDir(join(dir, 'info'))) {
    for (const name of readdirSync(join(dir, 'info'))) if (!KEPT_INFO.has(name)) rmSync(join(dir, 'info', name), { recursive: true, force: true });
  }
  rmSync(join(dir, 'refs', 'replace'), { recursive: true, force: true });
  rmSync(join(dir, 'objects', 'info', 'http-alternates'), { force: true });
  writeTrusted(wt, mirror, who);
  return true;
}

/**
 * A slot repository whose .git a process broke (deleted, replaced by a file pointing
 * elsewhere): a fresh one at `head`, its index reset there, the work tree left as it is, so
 * what the task changed is still there to commit or salvage.
 */
export async function rebuildSlotRepo(wt: string, mirror: string, who: Identity | undefined, head: string): Promise<void> {
  rmSync(slotGitDir(wt), { recursive: true, force: true });
  await git(['init', '-q', '--template=', wt]);
  writeTrusted(wt, mirror, who);
  await git(['reset', '-q', '--mixed', head], { cwd: wt });
}

function writeTrusted(wt: string, mirror: string, who: Identity | undefined): void {
  const dir = slotGitDir(wt);
  writeFileSync(join(dir, 'config'), slotRepoConfig(mirror, who));
  mkdirSync(join(dir, 'objects', 'info'), { recursive: true });
  writeFileSync(alternatesFile(wt), `${join(mirror, 'objects')}\n`);
  rmSync(join(dir, 'hooks'), { recursive: true, force: true });
  mkdirSync(join(dir, 'hooks'));
}

function isRealDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}
