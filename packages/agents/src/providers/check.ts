import type { ProviderSpec } from '@agentfleet/core';

export interface ProviderCheck {
  provider: string;
  ok: boolean;
  models: string[];
  /** The configured tier models the endpoint does not list. */
  missingModels: string[];
  error?: string;
  latencyMs: number;
}

/** `fleet doctor`: GET {baseURL}/models, listing the model ids the provider serves. */
export async function checkProvider(spec: ProviderSpec, env: NodeJS.ProcessEnv = process.env, timeoutMs = Math.min(spec.timeoutMs, 10_000)): Promise<ProviderCheck> {
  const started = Date.now();
  const key = spec.apiKeyEnv ? env[spec.apiKeyEnv] : undefined;
  const base = { provider: spec.name, models: [] as string[], missingModels: [] as string[] };
  if (spec.apiKeyEnv && !key) return { ...base, ok: false, error: `environment variable ${spec.apiKeyEnv} is not set`, latencyMs: 0 };
  try {
    const res = await fetch(`${spec.baseURL.replace(/\/+$/, '')}/models`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    const latencyMs = Date.now() - started;
    if (!res.ok) return { ...base, ok: false, error: `GET /models answered ${res.status} ${res.statusText}`, latencyMs };
    const body = (await res.json()) as { data?: { id?: unknown }[] };
    const models = (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
    const wanted = [...new Set(Object.values(spec.models).filter((m): m is string => !!m))];
    const missingModels = wanted.filter((m) => !models.includes(m));
    return { provider: spec.name, ok: true, models, missingModels, latencyMs };
  } catch (e) {
    // fetch says "fetch failed"; the cause holds the reason (ECONNREFUSED, "bad port", ...)
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { ...base, ok: false, error: `${spec.baseURL}: ${why}`, latencyMs: Date.now() - started };
  }
}
