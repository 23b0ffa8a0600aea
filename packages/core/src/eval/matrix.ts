import { InputError, type Problem } from '../errors.js';
import { providerApiOf } from '../config/provider-api.js';
import type { ProviderSpec, Tier } from '../config/schema.js';
import { didYouMean } from '../plan/suggest.js';
import { COMPLEXITIES, MODEL_AGENT_KINDS, type AgentKind } from '../plan/types.js';
import { MATRIX_DIMENSIONS, type EvalVariant, type MatrixDimension, type MatrixSpec } from './types.js';

/**
 * `--matrix agent=codex,llm --matrix tier=low,high`: each flag one dimension with its values.
 * Every problem is reported at once; a dimension given twice, an unknown one, an empty list or
 * an unknown value is an input error.
 */
export function parseMatrixFlags(flags: readonly string[]): MatrixSpec {
  const problems: string[] = [];
  const matrix: MatrixSpec = {};
  for (const flag of flags) {
    const m = /^([^=]*)=(.*)$/.exec(flag);
    if (!m) {
      problems.push(`--matrix ${flag}: write DIMENSION=VALUE,VALUE (e.g. tier=low,high)`);
      continue;
    }
    const dim = m[1]!.trim();
    const values = m[2]!.split(',').map((v) => v.trim()).filter(Boolean);
    if (!isDimension(dim)) {
      problems.push(`--matrix ${flag}: unknown dimension '${dim}'${didYouMean(dim, MATRIX_DIMENSIONS)}; the dimensions are ${MATRIX_DIMENSIONS.join(', ')}`);
      continue;
    }
    if (matrix[dim]) problems.push(`--matrix ${flag}: ${dim} is given twice; list all its values in one flag`);
    if (values.length === 0) problems.push(`--matrix ${flag}: an empty matrix runs no variant: list at least one ${dim}`);
    const allowed: readonly string[] | undefined = dim === 'agent' ? MODEL_AGENT_KINDS : dim === 'tier' ? COMPLEXITIES : undefined;
    for (const v of values) if (allowed && !allowed.includes(v)) problems.push(`--matrix ${flag}: '${v}' is not one of ${allowed.join(', ')}${didYouMean(v, allowed)}`);
    if (new Set(values).size !== values.length) problems.push(`--matrix ${flag}: a value is listed twice`);
    (matrix as Record<string, string[]>)[dim] = values;
  }
  if (problems.length) throw new InputError(problems.map((message) => ({ message })));
  return matrix;
}

function isDimension(d: string): d is MatrixDimension {
  return (MATRIX_DIMENSIONS as readonly string[]).includes(d);
}

/** The flags' dimensions replace the suite's; the others stay. */
export function mergeMatrix(suite: MatrixSpec, flags: MatrixSpec): MatrixSpec {
  return { ...suite, ...flags };
}

/**
 * The variants of a matrix: its cross product, in dimension order (agent, tier, provider),
 * each named by its values joined with '/'. An empty matrix is one variant, `default`.
 */
export function expandMatrix(matrix: MatrixSpec, defaultAgent: AgentKind): EvalVariant[] {
  const agents: (AgentKind | undefined)[] = matrix.agent ?? [undefined];
  const tiers: (Tier | undefined)[] = matrix.tier ?? [undefined];
  const providers: (string | undefined)[] = matrix.provider ?? [undefined];
  const out: EvalVariant[] = [];
  for (const agent of agents) {
    for (const tier of tiers) {
      for (const provider of providers) {
        const parts = [agent, tier, provider].filter((p): p is string => p !== undefined);
        out.push({ name: parts.length ? parts.join('/') : 'default', agent: agent ?? defaultAgent, ...(tier ? { tier } : {}), ...(provider ? { provider } : {}) });
      }
    }
  }
  return out;
}

/**
 * Variants fleet.yaml cannot serve: a provider it does not have, or one of another API than
 * the agent speaks (codex walks `responses` providers, claude `anthropic` ones, llm `chat`).
 */
export function variantProblems(variants: readonly EvalVariant[], providers: readonly ProviderSpec[], where = 'fleet.yaml'): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const v of variants) {
    if (!v.provider) continue;
    const key = `${v.agent}|${v.provider}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = providers.find((x) => x.name === v.provider);
    const names = providers.map((x) => x.name);
    if (!p) {
      problems.push({ message: `variant ${v.name}: provider '${v.provider}' is not in the providers of ${where} (${names.join(', ') || 'none'})${didYouMean(v.provider, names)}` });
      continue;
    }
    const api = providerApiOf(v.agent);
    if (api !== p.api) problems.push({ message: `variant ${v.name}: provider '${p.name}' speaks api ${p.api}, but agent ${v.agent} walks ${api} providers; pair each agent with a provider of its API` });
  }
  return problems;
}

/** The run's providers for a variant: the chain limited to the variant's one provider, else all of them. */
export function variantProviders<P extends { name: string }>(variant: EvalVariant, providers: readonly P[]): P[] {
  return variant.provider ? providers.filter((p) => p.name === variant.provider) : [...providers];
}
