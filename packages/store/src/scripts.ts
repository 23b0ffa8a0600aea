import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

// Lua sources live in ./commands (copied next to the build output); lib.lua is prepended.
const NAMES = ['complete', 'claim', 'retrying', 'cancel', 'retry'] as const;
export type ScriptName = (typeof NAMES)[number];

function commandsDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return process.env.AGENTFLEET_LUA_DIR ?? `${here}commands/`;
}

let sources: Map<ScriptName, string> | undefined;

function loadSources(): Map<ScriptName, string> {
  if (sources) return sources;
  const dir = commandsDir();
  const lib = readFileSync(`${dir}lib.lua`, 'utf8');
  sources = new Map(NAMES.map((n) => [n, `${lib}\n${readFileSync(`${dir}${n}.lua`, 'utf8')}`]));
  return sources;
}

/** Number of KEYS every run script takes (see lib.lua). */
export const RUN_SCRIPT_KEYS = 7;

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/** Registers the scripts on a connection as custom commands (EVALSHA with EVAL fallback). */
export function defineScripts(redis: Redis): Record<ScriptName, ScriptFn> {
  const out = {} as Record<ScriptName, ScriptFn>;
  for (const [name, lua] of loadSources()) {
    const cmd = `af_${name.replace(/-/g, '_')}`;
    if (!(cmd in redis)) redis.defineCommand(cmd, { numberOfKeys: RUN_SCRIPT_KEYS, lua });
    const fn = (redis as unknown as Record<string, ScriptFn>)[cmd]!;
    out[name] = (...args) => fn.call(redis, ...args);
  }
  return out;
}
