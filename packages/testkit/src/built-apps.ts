// Where the repository and its built programs are (the `fleet` CLI, the host daemon), and
// ensureBuilt(): build them when they are missing or older than a source file.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { holdFileLock } from './file-lock.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const hostdScript = join(repoRoot, 'apps/worker/dist/hostd.js');
export const cliBin = join(repoRoot, 'apps/cli/dist/bin.js');

const storeLua = { src: join(repoRoot, 'packages/store/src/commands'), dist: join(repoRoot, 'packages/store/dist/commands') };
const required = [hostdScript, cliBin, storeLua.dist, join(repoRoot, 'apps/worker/bundle/hostd.js')];

/** The newest modification time of the files below `dir` whose names end with `suffix`. */
function newest(dir: string, suffix: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newest(p, suffix) : e.name.endsWith(suffix) ? statSync(p).mtimeMs : 0);
  }, 0);
}

/** The projects `npm run build` compiles (tsconfig.build.json), as paths from the repository root. */
function builtProjects(): string[] {
  const config = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.build.json'), 'utf8')) as { references: { path: string }[] };
  return config.references.map((r) => r.path);
}

/**
 * Every output present, no project with a .ts source newer than its last compile (tsc -b
 * rewrites or touches a project's .tsbuildinfo whenever it builds or checks it, even when the
 * outputs stay as they were), and no Lua script newer than the build's copy of them.
 */
function buildIsCurrent(): boolean {
  if (!required.every((p) => existsSync(p))) return false;
  for (const project of builtProjects()) {
    const info = join(repoRoot, project, 'dist/.tsbuildinfo');
    if (!existsSync(info) || newest(join(repoRoot, project, 'src'), '.ts') > statSync(info).mtimeMs) return false;
  }
  return newest(storeLua.src, '.lua') <= statSync(storeLua.dist).mtimeMs;
}

/**
 * Runs `npm run build` when the build is missing or stale (CI builds before testing, so there it
 * only checks). One build at a time: test files call this in parallel, and a second build would
 * delete the host daemon bundle under the first one's tests; after the wait it checks again.
 */
export async function ensureBuilt(): Promise<void> {
  if (buildIsCurrent()) return;
  const release = await holdFileLock(join(repoRoot, 'node_modules/.agentfleet-test-build.lock'), 900, 'the test build');
  try {
    if (!buildIsCurrent()) execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  } finally {
    release();
  }
}
