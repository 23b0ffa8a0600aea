import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetError } from '@agentfleet/core';
import { DURATION_BUCKETS_SECONDS, WAIT_BUCKETS_SECONDS } from '../types.js';

/**
 * Reads a Lua script with its includes resolved, as BullMQ does: a line
 * `--- @include "includes/name"` is replaced by that file (relative to the including one,
 * `.lua` implied), each file at most once per script, includes of includes first. Values
 * shared with TypeScript are put in where the source says `{{NAME}}`.
 */
export function luaSource(file: string, dir = commandsDir()): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  const visit = (path: string, from: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    if (!existsSync(path)) throw new FleetError('internal', `Lua include ${relative(dir, path)} not found (included from ${from})`);
    const lines = readFileSync(path, 'utf8').split('\n');
    const own: string[] = [];
    lines.forEach((line, i) => {
      const m = /^---\s*@include\s+"([^"]+)"\s*$/.exec(line);
      if (m) visit(join(dirname(path), `${m[1]!}.lua`), `${relative(dir, path)}:${i + 1}`);
      else own.push(line);
    });
    parts.push(`-- ${relative(dir, path)}\n${own.join('\n')}`);
  };
  visit(join(dir, file), 'the script list');
  return substitute(parts.join('\n'), file);
}

const LUA_CONSTANTS: Record<string, string> = {
  DURATION_BUCKETS_SECONDS: luaList(DURATION_BUCKETS_SECONDS),
  WAIT_BUCKETS_SECONDS: luaList(WAIT_BUCKETS_SECONDS),
};

function luaList(values: readonly number[]): string {
  return `{ ${values.join(', ')} }`;
}

function substitute(lua: string, file: string): string {
  return lua.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = LUA_CONSTANTS[name];
    if (value === undefined) throw new FleetError('internal', `${file}: unknown Lua constant {{${name}}}`);
    return value;
  });
}

/** The Lua files sit next to the code (copied beside the build output and the bundle's chunks). */
export function commandsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (process.env.AGENTFLEET_LUA_DIR) return process.env.AGENTFLEET_LUA_DIR;
  // src/scripts/ and dist/scripts/ read ../commands; a bundle chunk reads ./commands
  return existsSync(join(here, 'commands')) ? join(here, 'commands') : join(here, '..', 'commands');
}
