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

/**
 * How an endpoint lists its models, by the API it speaks: OpenAI-style `{baseURL}/models`
 * with a bearer key; Anthropic `{baseURL}/v1/models` (baseURL as ANTHROPIC_BASE_URL takes it)
 * with x-api-key, or a bearer token for claude's OAuth variables; Gemini `{baseURL}/v1beta/models`
 * with x-goog-api-key.
 */
function modelsRequest(spec: ProviderSpec, key: string | undefined): { url: string; headers: Record<string, string> } {
  const base = spec.baseURL.replace(/\/+$/, '');
  if (spec.api === 'gemini') return { url: `${base}/v1beta/models`, headers: key ? { 'x-goog-api-key': key } : {} };
  if (spec.api !== 'anthropic') return { url: `${base}/models`, headers: key ? { authorization: `Bearer ${key}` } : {} };
  const bearer = spec.apiKeyEnv === 'ANTHROPIC_AUTH_TOKEN' || spec.apiKeyEnv === 'CLAUDE_CODE_OAUTH_TOKEN';
  const auth: Record<string, string> = key ? (bearer ? { authorization: `Bearer ${key}` } : { 'x-api-key': key }) : {};
  return { url: `${base}/v1/models`, headers: { 'anthropic-version': '2023-06-01', ...auth } };
}

/** `fleet doctor`: lists the model ids the provider serves (GET …/models for its API). */
export async function checkProvider(spec: ProviderSpec, env: NodeJS.ProcessEnv = process.env, timeoutMs = Math.min(spec.timeoutMs, 10_000)): Promise<ProviderCheck> {
  const started = Date.now();
  const key = spec.apiKeyEnv ? env[spec.apiKeyEnv] : undefined;
  const base = { provider: spec.name, models: [] as string[], missingModels: [] as string[] };
  if (spec.apiKeyEnv && !key) return { ...base, ok: false, error: `environment variable ${spec.apiKeyEnv} is not set`, latencyMs: 0 };
  try {
    const request = modelsRequest(spec, key);
    const res = await fetch(request.url, { headers: request.headers, signal: AbortSignal.timeout(timeoutMs) });
    const latencyMs = Date.now() - started;
    if (!res.ok) return { ...base, ok: false, error: `GET ${new URL(request.url).pathname} answered ${res.status} ${res.statusText}`, latencyMs };
    const body = (await res.json()) as { data?: { id?: unknown }[]; models?: { name?: unknown }[] };
    // Gemini lists { models: [{ name: 'models/<id>' }] }; the others { data: [{ id }] }
    const ids = body.models ? body.models.map((m) => (typeof m.name === 'string' ? m.name.replace(/^models\//, '') : undefined)) : (body.data ?? []).map((m) => m.id);
    const models = ids.filter((id): id is string => typeof id === 'string');
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
