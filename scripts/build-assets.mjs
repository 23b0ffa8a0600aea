#!/usr/bin/env node
// After tsc: copies the store's Lua scripts next to its build output, and bundles the host
// daemon + worker into one self-contained folder (apps/worker/bundle) that `fleet deploy` ships.
import { cpSync, mkdirSync, rmSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lua = join(root, 'packages/store/src/commands');
// Replace, not merge: a script removed from src must not linger in the build.
rmSync(join(root, 'packages/store/dist/commands'), { recursive: true, force: true });
cpSync(lua, join(root, 'packages/store/dist/commands'), { recursive: true });

const out = join(root, 'apps/worker/bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const entries = ['hostd', 'worker-process', 'launcher'].map((n) => join(root, `apps/worker/src/${n}.ts`));
await build({
  entryPoints: entries,
  outdir: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __afCreateRequire } from 'node:module'; const require = __afCreateRequire(import.meta.url);" },
  alias: Object.fromEntries(['core', 'store', 'workspace', 'agents', 'telemetry', 'host-contract', 'sandbox'].map((p) => [`@agentfleet/${p}`, join(root, `packages/${p}/src/index.ts`)])),
});
// The store's code lands in a shared chunk and reads its Lua next to itself.
cpSync(lua, join(out, 'commands'), { recursive: true });
cpSync(lua, join(out, 'chunks', 'commands'), { recursive: true });
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
writeFileSync(join(out, 'package.json'), JSON.stringify({ name: 'agentfleet-hostd', version, type: 'module', private: true }, null, 2));
console.log(`bundle: ${readdirSync(out).length} entries in ${out}`);
