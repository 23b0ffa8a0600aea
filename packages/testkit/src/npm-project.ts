// A real npm project for setup tests and benchmarks, without the network: its dependencies are
// tarballs packed from this repository's own node_modules and committed under vendor/, so
// `npm ci --offline` installs them in any checkout, and fills an empty npm cache with them alone.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './built-apps.js';
import { g } from './git.js';

const run = promisify(execFile);

export interface NpmPackage {
  name: string;
  version: string;
  /** vendor/<file>.tgz inside the project */
  tarball: string;
}

/** Package directories of node_modules (scoped ones included; links such as @agentfleet/* left out). */
function installedPackages(modules: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(modules).sort()) {
    if (name.startsWith('.')) continue;
    const dir = join(modules, name);
    if (lstatSync(dir).isSymbolicLink()) continue;
    if (name.startsWith('@')) {
      for (const sub of readdirSync(dir).sort()) if (!lstatSync(join(dir, sub)).isSymbolicLink()) out.push(`${name}/${sub}`);
    } else out.push(name);
  }
  return out.filter((n) => existsSync(join(modules, n, 'package.json')));
}

function sizeOf(dir: string, limit: number): number {
  let total = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (total > limit) return;
      if (e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += statSync(p).size;
    }
  };
  walk(dir);
  return total;
}

/** Fields that would send npm to the network or refuse the platform; the packages install flat. */
const DROPPED = ['dependencies', 'devDependencies', 'peerDependencies', 'peerDependenciesMeta', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies', 'scripts', 'os', 'cpu', 'libc', 'workspaces', 'publishConfig'];

async function pack(modules: string, name: string, vendor: string, stage: string): Promise<NpmPackage> {
  const src = join(modules, name);
  const dir = join(stage, name.replace('/', '+'));
  cpSync(src, join(dir, 'package'), { recursive: true, filter: (p) => !p.slice(src.length).includes('/node_modules') });
  const manifestFile = join(dir, 'package', 'package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  for (const k of DROPPED) delete manifest[k];
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  const file = `${name.replace('@', '').replace('/', '-')}-${String(manifest.version)}.tgz`;
  await run('tar', ['-czf', join(vendor, file), '-C', dir, 'package']);
  return { name, version: String(manifest.version), tarball: `vendor/${file}` };
}

export interface NpmProjectOptions {
  /** how many packages (default: every one under maxBytes) */
  count?: number;
  /** leave out packages bigger than this on disk (default 1 MiB) */
  maxBytes?: number;
  /** files committed besides package.json, package-lock.json and vendor/ */
  files?: Record<string, string>;
}

/**
 * Makes `dir` a git repository (branch main) of an npm project: package.json, its real
 * package-lock.json, vendor/*.tgz. The lock is written by `npm install --offline` into a cache
 * thrown away afterwards, so the caches of the code under test start empty.
 */
export async function makeNpmProject(dir: string, opts: NpmProjectOptions = {}): Promise<{ packages: NpmPackage[]; sha: string }> {
  const modules = join(repoRoot, 'node_modules');
  const maxBytes = opts.maxBytes ?? 1 << 20;
  // Native addons (binding.gyp) would want node-gyp at install: left out.
  const names = installedPackages(modules).filter((n) => !existsSync(join(modules, n, 'binding.gyp')) && sizeOf(join(modules, n), maxBytes) <= maxBytes).slice(0, opts.count);
  const vendor = join(dir, 'vendor');
  const stage = join(dir, '.stage');
  mkdirSync(vendor, { recursive: true });
  const packages: NpmPackage[] = [];
  for (let i = 0; i < names.length; i += 16) packages.push(...(await Promise.all(names.slice(i, i + 16).map((n) => pack(modules, n, vendor, stage)))));
  rmSync(stage, { recursive: true, force: true });
  const dependencies = Object.fromEntries(packages.map((p) => [p.name, `file:${p.tarball}`]));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'vendored-app', version: '1.0.0', private: true, dependencies }, null, 2)}\n`);
  for (const [p, content] of Object.entries(opts.files ?? {})) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  const cache = join(dir, '.lock-cache');
  await run('npm', ['install', '--offline', '--package-lock-only', '--no-audit', '--no-fund', '--cache', cache], { cwd: dir, maxBuffer: 64 << 20 });
  rmSync(cache, { recursive: true, force: true });
  g(dir, 'init', '-q', '-b', 'main');
  g(dir, 'add', '-A');
  g(dir, 'commit', '-q', '-m', `npm project: ${packages.length} vendored packages`);
  return { packages, sha: g(dir, 'rev-parse', 'HEAD') };
}

/** The keys of an npm cache's index (what npm stored there, e.g. `pacote:tarball:file:...`). */
export function npmCacheKeys(cache: string): string[] {
  const index = join(cache, '_cacache', 'index-v5');
  if (!existsSync(index)) return [];
  const keys: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else for (const line of readFileSync(p, 'utf8').split('\n').filter(Boolean)) keys.push((JSON.parse(line.slice(line.indexOf('\t') + 1)) as { key: string }).key);
    }
  };
  walk(index);
  return keys;
}
