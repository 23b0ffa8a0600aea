import type { Redis } from 'ioredis';
import type { Keys } from '../keys.js';
import { luaSource } from './lua-source.js';

/** Every run script takes the same nine keys (includes/run-keys.lua) and the task prefix. */
export const RUN_SCRIPT_KEYS = 9;

/** One Lua script: its file, how its arguments are built and how its positional reply is read. */
export interface ScriptDef<A, R> {
  /** `<name>-<numKeys>.lua` in ./commands */
  file: string;
  /** ARGV after the task prefix (ARGV[2] on); `keys` for the few keys a script is told of in ARGV. */
  argv(args: A, keys: Keys): (string | number)[];
  parse(reply: unknown, args: A): R;
}

/** The run a script works on: the keys of includes/run-keys.lua. */
export function runScriptKeys(keys: Keys, runId: string): string[] {
  return [keys.run(runId), keys.runCounts(runId), keys.runInflight(runId), keys.stats(), keys.activeRuns(), keys.failures(), keys.runTasks(runId), keys.waits(), keys.notices()];
}

type Command = (...args: (string | number)[]) => Promise<unknown>;

/**
 * Runs the store's Lua scripts on one connection. Each is registered as a custom command
 * (EVALSHA, falling back to EVAL when Redis lost its script cache after a restart).
 */
export class ScriptRunner {
  private readonly commands = new Map<string, Command>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async run<A extends { runId: string }, R>(def: ScriptDef<A, R>, args: A): Promise<R> {
    const reply = await this.command(def.file)(...runScriptKeys(this.keys, args.runId), this.keys.taskPrefix(args.runId), ...def.argv(args, this.keys));
    return def.parse(reply, args);
  }

  private command(file: string): Command {
    let cmd = this.commands.get(file);
    if (!cmd) {
      const name = `af_${file.replace(/-\d+\.lua$/, '').replace(/-/g, '_')}`;
      if (!(name in this.redis)) this.redis.defineCommand(name, { numberOfKeys: RUN_SCRIPT_KEYS, lua: luaSource(file) });
      const fn = (this.redis as unknown as Record<string, Command>)[name]!;
      cmd = (...args) => fn.call(this.redis, ...args);
      this.commands.set(file, cmd);
    }
    return cmd;
  }
}
