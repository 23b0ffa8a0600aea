import { roundUsd, type FleetConfig, type PriceSpec, type Usage } from '@agentfleet/core';

export { addUsage, emptyUsage, totalTokens } from '@agentfleet/core';

/** The price entry of a model: exact name first, then the name without a provider prefix ("openai/gpt-oss-20b" -> "gpt-oss-20b"). */
export function priceFor(pricing: FleetConfig['pricing'], model: string | undefined): PriceSpec | undefined {
  if (!model) return undefined;
  const exact = pricing[model];
  if (exact) return exact;
  const bare = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : undefined;
  return bare ? pricing[bare] : undefined;
}

/**
 * USD for a usage at a price (per 1M tokens). Cached input is billed at cachedInput
 * (input price when the table has none); the rest of the input at input.
 */
export function costOf(usage: Usage, price: PriceSpec | undefined): number {
  if (!price) return 0;
  const cached = Math.min(usage.cachedInput, usage.input);
  const fresh = usage.input - cached;
  return roundUsd((fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.output * price.output) / 1_000_000);
}

export function costForModel(usage: Usage, pricing: FleetConfig['pricing'], model: string | undefined): number {
  return costOf(usage, priceFor(pricing, model));
}
