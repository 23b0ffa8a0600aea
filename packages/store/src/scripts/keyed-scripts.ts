import type { Redis } from 'ioredis';
import type { Keys } from '../keys.js';
import { luaSource } from './lua-source.js';

/** A keyed script: its file, the keys and arguments it is given, how its reply is read. */
export interface KeyedScriptDef<A, R> {
  /** `<name>-<numKeys>.lua` in ./commands */
  file: string;
  keys(keys: Keys, args: A): string[];
  argv(args: A): (string | number)[];
  parse(reply: unknown): R;
}

type Command = (...args: (string | number)[]) => Promise<unknown>;

/**
 * Lua scripts that are not run scripts (`<name>-<numKeys>.lua` with keys of their own, such
 * as the permit scripts): registered once per connection as custom commands (EVALSHA,
 * falling back to EVAL after a Redis restart), the number of keys read from the file name.
 */
export class KeyedScripts {
  private readonly commands = new Map<string, Command>();

  constructor(private readonly redis: Redis) {}

  async call<A, R>(def: KeyedScriptDef<A, R>, keys: Keys, args: A): Promise<R> {
    return def.parse(await this.run(def.file, def.keys(keys, args), def.argv(args)));
  }

  run(file: string, keys: readonly string[], argv: readonly (string | number)[]): Promise<unknown> {
    return this.command(file, keys.length)(...keys, ...argv);
  }

  private command(file: string, numberOfKeys: number): Command {
    let cmd = this.commands.get(file);
    if (!cmd) {
      const declared = Number(/-(\d+)\.lua$/.exec(file)?.[1]);
      if (declared !== numberOfKeys) throw new Error(`${file} takes ${declared} keys, not ${numberOfKeys}`);
      const name = `af_${file.replace(/-\d+\.lua$/, '').replace(/-/g, '_')}`;
      if (!(name in this.redis)) this.redis.defineCommand(name, { numberOfKeys, lua: luaSource(file) });
      const fn = (this.redis as unknown as Record<string, Command>)[name]!;
      cmd = (...args) => fn.call(this.redis, ...args);
      this.commands.set(file, cmd);
    }
    return cmd;
  }
}
