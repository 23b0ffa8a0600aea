// What a CLI agent (codex, claude, gemini) gets beyond the task's own environment: the one key
// of the provider it calls, or its own login when no provider is configured; and whether its
// own sandbox is on. Inside the fleet's sandbox theirs is turned off: it cannot nest inside
// bubblewrap (it needs the namespaces bwrap took), and ours already confines it.
import { copyFile, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { AgentRunRequest } from '../types.js';

/** Variables each CLI reads its own login from, when no provider of the chain names a key. */
export const OWN_LOGIN_KEYS = {
  codex: ['OPENAI_API_KEY', 'CODEX_API_KEY', 'OPENAI_BASE_URL'],
  claude: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL'],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GEMINI_BASE_URL'],
} as const;

/**
 * The task's environment plus `names` from the worker's credentials: the key of the provider
 * this run calls (apiKeyEnv), or the CLI's own login variables. No other key of the fleet.
 */
export function withKeys(req: Pick<AgentRunRequest, 'env' | 'credentials'>, names: readonly (string | undefined)[]): NodeJS.ProcessEnv {
  const from = req.credentials ?? req.env;
  const env: NodeJS.ProcessEnv = { ...req.env };
  for (const n of names) if (n && from[n] !== undefined) env[n] = from[n];
  return env;
}

/** Why a CLI's own sandbox is off, as the attempt's events and the log say it once per run. */
export function ownSandboxOff(req: Pick<AgentRunRequest, 'sandboxed' | 'sandbox' | 'onEvent' | 'logger'>, agent: string): boolean {
  if (!req.sandboxed) return false;
  const why = `${agent}'s own sandbox is off: the fleet's bubblewrap sandbox confines it (network ${req.sandbox?.network ?? 'full'}), and a second one cannot nest inside it`;
  req.onEvent({ type: 'step', step: 'sandbox', status: 'ok', detail: why });
  req.logger?.info({ agent }, why);
  return true;
}

/**
 * A CLI's login (files in the daemon user's home such as ~/.codex/auth.json) copied into the
 * job's own home: with the sandbox, HOME is private and the real one is not there.
 */
export async function carryLogin(req: Pick<AgentRunRequest, 'loginHome'>, path: string, to: string): Promise<void> {
  const from = isAbsolute(path) ? path : join(req.loginHome ?? homedir(), path);
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  await copyFile(from, to).catch(() => undefined); // no login there: the CLI uses a key instead
}

/** Login files of each CLI, relative to its user's home (codex's auth.json goes to CODEX_HOME instead). */
export const LOGIN_FILES = {
  claude: ['.claude/.credentials.json'],
  gemini: ['.gemini/oauth_creds.json', '.gemini/google_accounts.json', '.gemini/settings.json'],
} as const;

/** A CLI's login files copied from the daemon user's home into the task's HOME, when that is a private one (the sandbox's). */
export async function carryLogins(req: Pick<AgentRunRequest, 'env' | 'loginHome'>, files: readonly string[]): Promise<void> {
  const home = req.env.HOME;
  const from = req.loginHome ?? homedir();
  if (!home || resolve(home) === resolve(from)) return;
  for (const f of files) await carryLogin(req, join(from, f), join(home, f));
}
