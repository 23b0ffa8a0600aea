import { FleetError } from '@agentfleet/core';
import type { RunConfig, TaskResult } from '@agentfleet/store';
import { scrubSecrets, secretValuesFromEnv } from '@agentfleet/telemetry';

/** Variables the agent CLIs read their own logins from (passed to them when no provider names a key): secrets wherever they appear. */
export const CLI_LOGIN_KEYS = ['OPENAI_API_KEY', 'CODEX_API_KEY', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'GEMINI_API_KEY', 'GOOGLE_API_KEY'];

/**
 * Every secret value the daemon knows, longest first (for scrubbing): its own (fleet.yaml
 * secrets, hosts' env, providers' keys), the keys of the run's providers and of the agent
 * CLIs, and the values of the variables the task names.
 */
export function secretsFor(config: RunConfig, daemonSecrets: readonly string[], credentials: NodeJS.ProcessEnv, named: Record<string, string> = {}): string[] {
  const providerKeys = (config.providers ?? []).flatMap((p) => (p.apiKeyEnv ? [p.apiKeyEnv] : []));
  const values = [...daemonSecrets, ...secretValuesFromEnv([...providerKeys, ...CLI_LOGIN_KEYS], credentials), ...Object.values(named)];
  return [...new Set(values)].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
}

/** What an agent printed may hold a secret: it never reaches Redis as is. */
export function scrubResult(r: TaskResult, secrets: readonly string[]): TaskResult {
  if (!secrets.length) return r;
  const scrub = (s: string | null | undefined) => (s ? scrubSecrets(s, secrets) : s);
  return { ...r, outputTail: scrub(r.outputTail), summary: scrub(r.summary) };
}

export function scrubError(e: FleetError, secrets: readonly string[]): FleetError {
  const message = scrubSecrets(e.message, secrets);
  return message === e.message ? e : new FleetError(e.kind, message, e.details);
}
