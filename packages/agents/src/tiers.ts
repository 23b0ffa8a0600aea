import type { Complexity, ProviderSpec, Tier } from '@agentfleet/core';

const ORDER: Tier[] = ['low', 'medium', 'high'];

/** complexity picks the tier; any risk category forces the top tier; a forced tier (an eval variant's) wins over both. */
export function tierFor(complexity: Complexity, risk: readonly string[], forced?: Tier): Tier {
  if (forced) return forced;
  return risk.length > 0 ? 'high' : complexity;
}

/** The provider's model for a tier: that tier, else the nearest higher, else the nearest lower. */
export function modelFor(provider: Pick<ProviderSpec, 'models'>, tier: Tier): { tier: Tier; model: string } | undefined {
  const at = ORDER.indexOf(tier);
  const candidates = [...ORDER.slice(at), ...ORDER.slice(0, at).reverse()];
  for (const t of candidates) {
    const model = provider.models[t];
    if (model) return { tier: t, model };
  }
  return undefined;
}
