/**
 * The model APIs a provider can speak (`providers[].api`), and which agent kind walks which:
 * each kind's chain holds only the providers of its own API, so a codex task never lands on
 * a chat-only endpoint nor a claude task on an OpenAI one.
 */
export const PROVIDER_APIS = ['chat', 'responses', 'anthropic', 'gemini'] as const;
export type ProviderApi = (typeof PROVIDER_APIS)[number];

/** `providers[].spill`: whether work leaves this provider for the next one of the chain. */
export const SPILL_MODES = ['when-down', 'when-busy', 'never'] as const;
export type SpillMode = (typeof SPILL_MODES)[number];

const API_OF_AGENT: Readonly<Record<string, ProviderApi>> = { llm: 'chat', codex: 'responses', claude: 'anthropic', gemini: 'gemini' };

/** The API an agent kind's providers speak; undefined for kinds that call no model (shell, noop). */
export function providerApiOf(agent: string): ProviderApi | undefined {
  return API_OF_AGENT[agent];
}

/** The providers of the chain an agent kind walks, in the config's order. */
export function providersFor<P extends { api: ProviderApi }>(providers: readonly P[], agent: string): P[] {
  const api = providerApiOf(agent);
  return api ? providers.filter((p) => p.api === api) : [];
}
