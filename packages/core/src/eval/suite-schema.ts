import { z } from 'zod';
import { TASK_ID_PATTERN } from '../ids.js';
import { duration } from '../plan/duration-schema.js';
import { LABEL_PATTERN, PLAN_NAME_PATTERN } from '../plan/schema.js';
import { COMPLEXITIES, MODEL_AGENT_KINDS } from '../plan/types.js';
import { checkSchema, fixRoundsSchema, repoPath, setupSchema } from '../plan/verify-schema.js';

// The suite file of `fleet eval`: name, defaults, an optional matrix, and the cases.

const ID_RULE = 'lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters';
const nonEmpty = z.string().min(1, 'must not be empty');

/** `setup`: a command (`npm ci`), or the keys of a plan's repo.setup. */
const setupField = z.union([z.string().refine((s) => s.trim() !== '', 'an empty setup command runs nothing: write the command, such as npm ci'), setupSchema], {
  error: 'expected a command or a mapping with run (and key, keep, timeout)',
});

export const hiddenSchema = z.strictObject({
  from: nonEmpty,
  to: repoPath,
});

/** Keys a case and the defaults share: how its task runs. */
const runKeys = {
  repo: nonEmpty.optional(),
  ref: nonEmpty.optional(),
  check: checkSchema.optional(),
  check_timeout: duration({ positive: true }),
  setup: setupField.optional(),
  timeout: duration({ positive: true }),
  fix_rounds: fixRoundsSchema.optional(),
  complexity: z.enum(COMPLEXITIES).optional(),
  labels: z.array(z.string().regex(LABEL_PATTERN, 'labels are lowercase [a-z0-9_-], max 32')).optional(),
};

export const caseSchema = z.strictObject({
  id: z.string().regex(TASK_ID_PATTERN, `case ids are ${ID_RULE}`),
  title: z.string().optional(),
  prompt: nonEmpty.optional(),
  prompt_file: nonEmpty.optional(),
  hidden: z.array(hiddenSchema).optional(),
  ...runKeys,
});

export const suiteDefaultsSchema = z.strictObject({
  agent: z.enum(MODEL_AGENT_KINDS).optional(),
  retries: z.number().int().min(0).max(20).optional(),
  stall_timeout: duration({ positive: true }),
  ...runKeys,
});

const providerName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, 'a provider name of fleet.yaml');
const values = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'an empty list runs no variant: list at least one value, or leave the dimension out');

export const matrixSchema = z
  .strictObject({
    agent: values(z.enum(MODEL_AGENT_KINDS)).optional(),
    tier: values(z.enum(COMPLEXITIES)).optional(),
    provider: values(providerName).optional(),
  })
  .refine((m) => Object.keys(m).length > 0, 'an empty matrix runs no variant: give agent, tier or provider values, or leave matrix out');

export const suiteSchema = z.strictObject({
  name: z.string().regex(PLAN_NAME_PATTERN, `suite names are ${ID_RULE}`).optional(),
  defaults: suiteDefaultsSchema.optional(),
  matrix: matrixSchema.optional(),
  cases: z.array(caseSchema).min(1, "the suite has no cases: list at least one under 'cases:'"),
});

export type RawSuite = z.output<typeof suiteSchema>;
export type RawCase = z.output<typeof caseSchema>;

/** The keys allowed at each object of a suite, for "did you mean" on unknown keys. */
export function suiteKeysAt(path: readonly (string | number)[]): string[] {
  const names = path.filter((p): p is string => typeof p === 'string');
  const shape = (s: { shape: object }) => Object.keys(s.shape);
  if (names.length === 0) return shape(suiteSchema);
  if (names[0] === 'cases') return names[1] === 'hidden' ? shape(hiddenSchema) : names[1] === 'setup' ? shape(setupSchema) : shape(caseSchema);
  if (names[0] === 'defaults') return names[1] === 'setup' ? shape(setupSchema) : shape(suiteDefaultsSchema);
  if (names[0] === 'matrix') return ['agent', 'tier', 'provider'];
  return [];
}
