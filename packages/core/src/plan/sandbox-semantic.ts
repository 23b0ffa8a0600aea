import type { Problem } from '../errors.js';
import type { SourceDoc } from '../source.js';
import { isRecord } from './problems.js';
import { NETWORKED_AGENT_KINDS } from './sandbox-types.js';

/**
 * Sandbox keys that contradict each other or the task's agent (checked on the raw document,
 * with the defaults applied as parsing would): `network: none` for an agent that must reach
 * its provider, `network: none` without a sandbox to cut it, a setup without network in a
 * task that runs unconfined.
 */
export function checkSandboxFields(rawTasks: readonly unknown[], doc: SourceDoc, raw: unknown): Problem[] {
  const problems: Problem[] = [];
  const defaults = isRecord(raw) && isRecord(raw.defaults) ? raw.defaults : {};
  const setup = isRecord(raw) && isRecord(raw.repo) && isRecord(raw.repo.setup) ? raw.repo.setup : {};
  const at = (taskId: string | undefined, path: (string | number)[], message: string) => problems.push({ file: doc.file, ...doc.locate(path, true), taskId, message });
  rawTasks.forEach((task, i) => {
    if (!isRecord(task)) return;
    const id = typeof task.id === 'string' ? task.id : undefined;
    const own = (key: string) => (task[key] !== undefined ? ['tasks', i, key] : defaults[key] !== undefined ? ['defaults', key] : undefined);
    const agent = task.agent ?? defaults.agent ?? 'codex';
    const network = task.network ?? defaults.network;
    const sandbox = task.sandbox ?? defaults.sandbox;
    if (network === 'none' && typeof agent === 'string' && NETWORKED_AGENT_KINDS.includes(agent)) {
      at(id, own('network')!, `network: none cuts agent '${agent}' off from its provider (its CLI calls the model from inside the sandbox): give this task network: full, or use agent llm, whose model calls the worker makes`);
    }
    if (network === 'none' && sandbox === 'none') {
      at(id, own('network')!, 'network: none needs the sandbox: with sandbox: none nothing cuts the network of this task');
    }
    if (setup.network === 'none' && sandbox === 'none') {
      at(id, own('sandbox')!, 'repo.setup has network: none, which needs the sandbox, but this task runs with sandbox: none');
    }
  });
  const resolver = isRecord(raw) && isRecord(raw.integrate) ? raw.integrate.resolver : undefined;
  if (defaults.network === 'none' && typeof resolver === 'string' && NETWORKED_AGENT_KINDS.includes(resolver)) {
    at(undefined, ['integrate', 'resolver'], `the merge queue runs with the defaults' network: none, which cuts its resolver '${resolver}' off from its provider: choose resolver llm, or network: full`);
  }
  return problems;
}
