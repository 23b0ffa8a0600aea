import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ProviderSpec } from '@agentfleet/core';
import type { AgentRunRequest } from '../types.js';
import { carryLogins, LOGIN_FILES, OWN_LOGIN_KEYS, withKeys } from './cli-confinement.js';

/** `gemini` in headless mode: the prompt on stdin, JSON events, every tool call approved (nobody is there to answer). */
export function geminiArgs(model: string | undefined): string[] {
  return ['--output-format', 'stream-json', '--yolo', ...(model ? ['-m', model] : [])];
}

/**
 * The environment of one gemini run. The task's worktree is trusted (a fleet task has nobody
 * to confirm it). With a configured provider (api: gemini) the run gets a GEMINI_CLI_HOME of
 * its own whose settings choose API-key auth, its endpoint (GOOGLE_GEMINI_BASE_URL: a local
 * one works, plain http only on localhost) and its key; without one, gemini uses its own login.
 */
export async function geminiEnv(req: Pick<AgentRunRequest, 'env' | 'credentials' | 'loginHome' | 'task'>, provider: ProviderSpec | undefined, homesDir?: string): Promise<{ env: NodeJS.ProcessEnv; home?: string }> {
  // the key of the provider gemini calls, or its own login variables: no other key of the fleet
  const env: NodeJS.ProcessEnv = { ...(provider ? req.env : withKeys(req, OWN_LOGIN_KEYS.gemini)), GEMINI_CLI_TRUST_WORKSPACE: 'true' };
  if (!provider) {
    // its own login (~/.gemini) into a private HOME (the sandbox's)
    await carryLogins(req, LOGIN_FILES.gemini);
    return { env };
  }
  const dir = homesDir ?? join(req.env.HOME ?? homedir(), '.agentfleet', 'gemini-homes');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const home = await mkdtemp(join(dir, `${req.task.taskId}-`));
  await mkdir(join(home, '.gemini'), { mode: 0o700 });
  const settings = { security: { auth: { selectedType: 'gemini-api-key' } }, privacy: { usageStatisticsEnabled: false }, general: { disableAutoUpdate: true, disableUpdateNag: true } };
  await writeFile(join(home, '.gemini', 'settings.json'), JSON.stringify(settings), { mode: 0o600 });
  env.GEMINI_CLI_HOME = home;
  env.GOOGLE_GEMINI_BASE_URL = provider.baseURL.replace(/\/+$/, '');
  const key = provider.apiKeyEnv ? (req.credentials ?? req.env)[provider.apiKeyEnv] : undefined;
  // a local server needs no key, but gemini wants one to choose API-key auth
  env.GEMINI_API_KEY = key ?? env.GEMINI_API_KEY ?? 'unused';
  return { env, home };
}
