import { FleetError } from '@agentfleet/core';
import type { RunConfig, TaskResult } from '@agentfleet/store';
import { scrubSecrets, secretValuesFromEnv } from '@agentfleet/telemetry';

/** The daemon's secrets and the API keys of the run's providers, longest first (for scrubbing). */
export function secretsFor(config: RunConfig, daemonSecrets: readonly string[], agentEnv: NodeJS.ProcessEnv): string[] {
  const providerKeys = (config.providers ?? []).flatMap((p) => (p.apiKeyEnv ? [p.apiKeyEnv] : []));
  return [...new Set([...daemonSecrets, ...secretValuesFromEnv(providerKeys, agentEnv)])].sort((a, b) => b.length - a.length);
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
