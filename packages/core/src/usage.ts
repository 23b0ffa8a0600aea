/** Token counts. `input` includes the cached part; `cachedInput` is that part alone. */
export interface Usage {
  input: number;
  cachedInput: number;
  output: number;
}

/** What model calls cost: the tokens, the dollars, and who served the last of them. */
export interface ModelSpend {
  provider: string | null;
  model: string | null;
  usage: Usage;
  costUsd: number;
}

export function emptyUsage(): Usage {
  return { input: 0, cachedInput: 0, output: 0 };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return { input: a.input + b.input, cachedInput: a.cachedInput + b.cachedInput, output: a.output + b.output };
}

export function totalTokens(u: Usage): number {
  return u.input + u.output;
}

/** Dollars rounded to a billionth: sums of per-turn costs stay exact enough to compare. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}
