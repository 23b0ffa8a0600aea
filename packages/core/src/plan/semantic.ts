import type { Problem } from '../errors.js';
import { checkCondition } from '../condition/check.js';
import { findCycles } from '../dag/cycles.js';
import { buildDag, type DagTask } from '../dag/graph.js';
import { tryLayerDag } from '../dag/levels.js';
import type { SourceDoc } from '../source.js';
import { MERGE_QUEUE_TASK_ID } from './merge-queue.js';
import { isRecord } from './problems.js';
import { didYouMean } from './suggest.js';
import { AGENT_KINDS, isModelBacked, type AgentKind } from './types.js';

/** "Did you mean" scans every id; past this many unknown dependencies the hint is skipped. */
const MAX_SUGGESTIONS = 10;

/**
 * Checks across tasks that a schema cannot express: duplicate ids, dependencies that are
 * unknown, self-referencing or cyclic, and the fields each agent kind needs. Works on the
 * raw parsed document so it runs even when some fields failed the schema: every problem
 * is reported in one pass. Linear in tasks + dependencies. `external` are ids a dependency
 * may name outside the document (a plan fragment's tasks may depend on the running plan's).
 */
export function checkTasks(rawTasks: readonly unknown[], doc: SourceDoc, defaultAgent: unknown, external: ReadonlySet<string> = new Set()): Problem[] {
  const problems: Problem[] = [];
  const at = (taskId: string | undefined, path: (string | number)[], message: string, keyOnly = false) =>
    problems.push({ file: doc.file, ...doc.locate(['tasks', ...path], keyOnly), taskId, message });

  const firstIndex = new Map<string, number>();
  rawTasks.forEach((task, i) => {
    if (!isRecord(task) || typeof task.id !== 'string') return;
    if (task.id === MERGE_QUEUE_TASK_ID) at(task.id, [i, 'id'], `'${MERGE_QUEUE_TASK_ID}' is the id of the run's merge queue (integrate): choose another id`);
    const first = firstIndex.get(task.id);
    if (first === undefined) firstIndex.set(task.id, i);
    else at(task.id, [i, 'id'], `duplicate id '${task.id}' (first defined at line ${doc.locate(['tasks', first, 'id']).line})`);
  });

  let suggestions = 0;
  const graph: DagTask[] = [];
  rawTasks.forEach((task, i) => {
    if (!isRecord(task)) return;
    const id = typeof task.id === 'string' ? task.id : undefined;
    checkAgentFields(task, id, i, defaultAgent, at);
    const deps: string[] = [];
    const named: string[] = [];
    if (Array.isArray(task.deps)) {
      task.deps.forEach((entry: unknown, j) => {
        const dep = depId(entry);
        if (dep === undefined) return;
        if (dep === id) return void at(id, [i, 'deps', j], 'depends on itself');
        if (external.has(dep) && !firstIndex.has(dep)) return void named.push(dep);
        if (!firstIndex.has(dep)) {
          const hint = suggestions++ < MAX_SUGGESTIONS ? didYouMean(dep, firstIndex.keys()) : '';
          return void at(id, [i, 'deps', j], `unknown dependency '${dep}'${hint}`);
        }
        deps.push(dep);
        named.push(dep);
      });
    }
    if (typeof task.when === 'string' && task.when.trim()) {
      for (const p of checkCondition(task.when, named, anyDepIds(task.deps)).problems) at(id, [i, 'when'], `when: ${p}`);
    }
    if (id !== undefined && firstIndex.get(id) === i) graph.push({ id, deps, estimateMs: 0 });
  });

  const dag = buildDag(graph);
  if (!tryLayerDag(dag)) {
    for (const cycle of findCycles(dag)) {
      // Point at the dependency that closes the cycle: the first task's entry for the last one.
      const first = cycle[0]!;
      const closing = cycle[cycle.length - 2]!;
      const index = firstIndex.get(first)!;
      const deps = (rawTasks[index] as { deps: unknown[] }).deps;
      at(first, [index, 'deps', deps.findIndex((d) => depId(d) === closing)], `dependency cycle: ${cycle.join(' -> ')} (each task depends on the one before it)`);
    }
  }
  return problems;
}

type At = (taskId: string | undefined, path: (string | number)[], message: string, keyOnly?: boolean) => void;

function checkAgentFields(task: Record<string, unknown>, id: string | undefined, i: number, defaultAgent: unknown, at: At): void {
  const agent = task.agent ?? defaultAgent ?? 'codex';
  if (!isAgentKind(agent)) return; // the schema already reports it
  const has = (key: string) => task[key] !== undefined;
  if (isModelBacked(agent)) {
    if (!has('prompt') && !has('prompt_file')) at(id, [i], `agent '${agent}' needs a prompt: give 'prompt' or 'prompt_file'`);
    if (has('prompt') && has('prompt_file')) at(id, [i, 'prompt_file'], "has both 'prompt' and 'prompt_file': keep one", true);
    if (has('run')) at(id, [i, 'run'], `'run' is for shell tasks, but this task's agent is '${agent}' (set agent: shell)`, true);
  } else if (agent === 'shell') {
    if (!has('run')) at(id, [i], "shell task needs 'run': the command to execute");
    for (const key of ['prompt', 'prompt_file']) if (has(key)) at(id, [i, key], `'${key}' is not used by shell tasks (they execute 'run')`, true);
  } else if (agent === 'approval') {
    for (const key of ['prompt', 'prompt_file', 'run', 'review', 'expands']) {
      if (has(key)) at(id, [i, key], `'${key}' is not used by an approval gate (it runs nothing; approval.prompt is what the person is asked)`, true);
    }
  }
}

/** The task id of a `deps` entry: `id` or `{ task: id, after }` (undefined when malformed: the schema says why). */
function depId(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  return isRecord(entry) && typeof entry.task === 'string' ? entry.task : undefined;
}

function anyDepIds(deps: unknown): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(deps)) for (const d of deps) if (isRecord(d) && d.after === 'any' && typeof d.task === 'string') out.add(d.task);
  return out;
}

function isAgentKind(value: unknown): value is AgentKind {
  return typeof value === 'string' && (AGENT_KINDS as readonly string[]).includes(value);
}
