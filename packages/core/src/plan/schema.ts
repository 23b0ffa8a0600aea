import { z } from 'zod';
import { TASK_ID_PATTERN } from '../ids.js';
import { duration } from './duration-schema.js';
import { AGENT_KINDS, COMPLEXITIES, MODEL_AGENT_KINDS } from './types.js';
import { envNamesSchema, networkSchema, sandboxSchema } from './sandbox-schema.js';
import { checkSchema, fixRoundsSchema, integrateSchema, setupSchema } from './verify-schema.js';

/** Plan names end up in run ids and branch names: the same rule as task ids. */
export const PLAN_NAME_PATTERN = TASK_ID_PATTERN;
/** Labels match host labels in fleet.yaml. */
export const LABEL_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

const ID_RULE = 'lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters';

const label = z.string().regex(LABEL_PATTERN, `labels are ${ID_RULE.replace('63', '32')}`);

const reviewSchema = z.strictObject({
  agent: z.enum(MODEL_AGENT_KINDS).optional(),
  prompt: z.string().min(1, 'must not be empty'),
  rounds: z.number().int().min(1).max(10).optional(),
});

const depObjectSchema = z.strictObject({
  task: z.string().min(1, 'must not be empty'),
  /** any: run after the dependency ended whatever its outcome (failed, skipped); success: the default rule */
  after: z.enum(['any', 'success']).optional(),
});

/** A dependency: a task id, or `{ task: ID, after: any }` (issues keep their path inside the mapping). */
const depSchema = z.unknown().transform((value, ctx) => {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const parsed = depObjectSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    // the issue as zod raised it (unknown key, bad value), so problems.ts words it as any other
    for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, input: value } as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  ctx.issues.push({ code: 'custom', input: value, message: 'a dependency is a task id, or { task: ID, after: any }' });
  return z.NEVER;
});

const approvalSchema = z.strictObject({
  prompt: z.string().min(1, 'must not be empty').optional(),
  timeout: duration({ positive: true }),
  on_timeout: z.enum(['reject', 'approve']).optional(),
});

export const taskSchema = z.strictObject({
  id: z.string().regex(TASK_ID_PATTERN, `task ids are ${ID_RULE}`),
  title: z.string().optional(),
  agent: z.enum(AGENT_KINDS).optional(),
  prompt: z.string().min(1, 'must not be empty').optional(),
  prompt_file: z.string().min(1, 'must not be empty').optional(),
  run: z.string().min(1, 'must not be empty').optional(),
  deps: z.array(depSchema).optional(),
  complexity: z.enum(COMPLEXITIES).optional(),
  risk: z.array(z.string().min(1)).optional(),
  estimate: duration({ positive: false }),
  timeout: duration({ positive: true }),
  stall_timeout: duration({ positive: true }),
  retries: z.number().int().min(0).max(20).optional(),
  backoff: duration({ positive: false }),
  labels: z.array(label).optional(),
  inherit: z.boolean().optional(),
  review: reviewSchema.optional(),
  check: checkSchema.optional(),
  check_timeout: duration({ positive: true }),
  fix_rounds: fixRoundsSchema.optional(),
  sandbox: sandboxSchema.optional(),
  network: networkSchema.optional(),
  env: envNamesSchema.optional(),
  /** a CEL expression over the dependencies (condition/); checked in semantic.ts */
  when: z.string().min(1, 'must not be empty').optional(),
  approval: approvalSchema.optional(),
  expands: z.boolean().optional(),
});

export const planSchema = z.strictObject({
  name: z.string().regex(PLAN_NAME_PATTERN, `plan names are ${ID_RULE}`).optional(),
  repo: z
    .strictObject({
      url: z.string().min(1, 'must not be empty'),
      ref: z.string().min(1, 'must not be empty').optional(),
      push: z.string().min(1, 'must not be empty').optional(),
      setup: setupSchema.optional(),
    })
    .optional(),
  defaults: z
    .strictObject({
      agent: z.enum(AGENT_KINDS).optional(),
      timeout: duration({ positive: true }),
      retries: z.number().int().min(0).max(20).optional(),
      backoff: duration({ positive: false }),
      estimate: duration({ positive: false }),
      stall_timeout: duration({ positive: true }),
      complexity: z.enum(COMPLEXITIES).optional(),
      check: checkSchema.optional(),
      check_timeout: duration({ positive: true }),
      fix_rounds: fixRoundsSchema.optional(),
      sandbox: sandboxSchema.optional(),
      network: networkSchema.optional(),
      env: envNamesSchema.optional(),
    })
    .optional(),
  integrate: integrateSchema.optional(),
  clean: z.enum(['all', 'keep-ignored']).optional(),
  tasks: z.array(taskSchema).optional(),
});

export type RawPlan = z.output<typeof planSchema>;
export type RawTask = z.output<typeof taskSchema>;

/** Keys a task may have, for "did you mean" on unknown ones. */
export const TASK_KEYS = Object.keys(taskSchema.shape);
/** Keys of the mappings inside a task, for "did you mean". */
export const DEP_KEYS = Object.keys(depObjectSchema.shape);
export const APPROVAL_KEYS = Object.keys(approvalSchema.shape);
