import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import type { TaskCondition } from '../plan/types.js';

/** What a dependency looks like to a `when:` expression once it has ended. */
export interface DependencyOutcome {
  status: string;
  /** the built-in review's last verdict, or null */
  review: string | null;
  /** what it wrote to $AGENTFLEET_OUTPUTS (a JSON object), {} when nothing */
  outputs: Record<string, unknown>;
}

export type ConditionResult = { ok: true; value: boolean } | { ok: false; message: string };

type Program = ReturnType<typeof plan>;

const programs = new Map<string, Program>();
let env: ReturnType<typeof celEnv> | undefined;

/**
 * Evaluates a checked `when:` with CEL (an interpreter over its own values: no eval, no
 * property lookup outside the data given). `outcomes` holds every dependency by id; a name
 * the expression uses binds to `{ status, succeeded, failed, review, outputs }`. A runtime
 * error (an output key that is not there) or a value that is not a boolean is an error.
 */
export function evaluateCondition(cond: TaskCondition, outcomes: Readonly<Record<string, DependencyOutcome>>): ConditionResult {
  let program = programs.get(cond.expression);
  if (!program) {
    try {
      program = plan((env ??= celEnv()), parse(cond.expression));
    } catch (e) {
      return { ok: false, message: `when: ${cond.expression}: ${(e as Error).message}` };
    }
    if (programs.size > 1000) programs.clear();
    programs.set(cond.expression, program);
  }
  const bindings: Record<string, unknown> = {};
  for (const [name, id] of Object.entries(cond.names)) {
    const o = outcomes[id];
    if (o) bindings[name] = { status: o.status, succeeded: o.status === 'succeeded', failed: o.status === 'failed', review: o.review, outputs: o.outputs };
  }
  const value = program(bindings as Parameters<Program>[0]);
  if (isCelError(value)) return { ok: false, message: `when: ${cond.expression}: ${value.message}` };
  if (typeof value !== 'boolean') return { ok: false, message: `when: ${cond.expression}: the value is not true or false` };
  return { ok: true, value };
}
