import { FleetError, type ProviderSpec } from '@agentfleet/core';
import type { AgentRunRequest } from '../types.js';
import { carryLogins, LOGIN_FILES, OWN_LOGIN_KEYS, ownSandboxOff, withKeys } from './cli-confinement.js';

/** Variables Claude Code reads its credentials from: a provider key named as one of them is passed as is. */
const CLAUDE_AUTH_VARS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];

/** Why claude cannot run here, or undefined: as root outside the fleet's sandbox it refuses to skip its prompts. */
export function claudeRefusal(sandboxed: boolean | undefined, uid = process.getuid?.()): string | undefined {
  if (uid !== 0 || sandboxed) return undefined;
  return (
    'claude cannot run as root outside the fleet sandbox: Claude Code refuses --permission-mode bypassPermissions ' +
    '(--dangerously-skip-permissions) for root, and a fleet task has nobody to answer its permission prompts; ' +
    'keep the task in the sandbox (sandbox: bwrap) or run the host daemon as an unprivileged user'
  );
}

/** Fails the task at once (no retry would help) when claude would refuse to run. */
export function assertClaudeRuns(req: Pick<AgentRunRequest, 'sandboxed' | 'task'>): void {
  const why = claudeRefusal(req.sandboxed);
  if (why) throw new FleetError('agent_unusable', `task '${req.task.taskId}': ${why}`, { agent: 'claude' });
}

/**
 * The environment of one claude run: the task's own, no telemetry or update checks, the
 * sandbox flag it needs inside the fleet's sandbox, and for a configured provider (api:
 * anthropic) its endpoint and its one key, read from the worker's credentials; without a
 * provider, claude's own login variables. No other key of the fleet.
 */
export async function claudeEnv(req: Pick<AgentRunRequest, 'env' | 'credentials' | 'loginHome' | 'sandboxed' | 'sandbox' | 'onEvent' | 'logger'>, provider: ProviderSpec | undefined): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...(provider ? req.env : withKeys(req, OWN_LOGIN_KEYS.claude)), CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
  // its own login (a subscription's OAuth file) into a private HOME, when no provider replaces it
  if (!provider) await carryLogins(req, LOGIN_FILES.claude);
  // claude as root skips its permission prompts only when told it is in a sandbox: ours
  if (ownSandboxOff(req, 'claude')) env.IS_SANDBOX = '1';
  if (!provider) return env;
  env.ANTHROPIC_BASE_URL = provider.baseURL.replace(/\/+$/, '');
  const key = provider.apiKeyEnv ? (req.credentials ?? req.env)[provider.apiKeyEnv] : undefined;
  if (provider.apiKeyEnv && key) {
    for (const v of CLAUDE_AUTH_VARS) delete env[v];
    env[CLAUDE_AUTH_VARS.includes(provider.apiKeyEnv) ? provider.apiKeyEnv : 'ANTHROPIC_API_KEY'] = key;
  }
  return env;
}
