// What the console can do to the fleet: one route per action (POST /actions/<name>), each
// naming the form fields it takes. Adding an action (approve, reject) is one entry here.
import { InputError, isRunId, isTaskId } from '@agentfleet/core';
import type { FleetStore } from '@agentfleet/store';

export interface ConsoleAction {
  /** form fields it needs */
  fields: readonly string[];
  /** does it; returns what the user is told */
  run(store: FleetStore, form: URLSearchParams): Promise<string>;
}

function runId(form: URLSearchParams): string {
  const id = form.get('run') ?? '';
  if (!isRunId(id)) throw new InputError(`not a run id: '${id}'`);
  return id;
}

function host(form: URLSearchParams): string {
  const name = form.get('host') ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) throw new InputError(`not a host name: '${name}'`);
  return name;
}

function taskId(form: URLSearchParams): string {
  const id = form.get('task') ?? '';
  if (!isTaskId(id)) throw new InputError(`not a task id: '${id}'`);
  return id;
}

/** A decision on an approval gate, as `fleet approve|reject` makes it (one store call), by "console". */
async function decide(store: FleetStore, form: URLSearchParams, decision: 'approve' | 'reject'): Promise<string> {
  const [run, task] = [runId(form), taskId(form)];
  const note = (form.get('note') ?? '').trim().slice(0, 2000);
  const who = { by: 'console', ...(note ? { note } : {}) };
  const res = decision === 'approve' ? await store.approvals.approve(run, task, who) : await store.approvals.reject(run, task, who);
  const released = res.ready.length ? `; released ${res.ready.map((r) => r.taskId).join(', ')}` : '';
  return `${decision === 'approve' ? 'approved' : 'rejected'} ${task} of ${run}${released}${res.runFinished ? `; the run ended ${res.runFinished}` : ''}`;
}

async function drain(store: FleetStore, form: URLSearchParams, on: boolean): Promise<string> {
  const name = host(form);
  await store.hosts.setDrain(name, on);
  await store.events.publish({ type: 'drain', host: name, drain: on });
  return on ? `${name} drains: running tasks finish, no new ones start` : `${name} takes work again`;
}

export const CONSOLE_ACTIONS: Record<string, ConsoleAction> = {
  cancel: {
    fields: ['run'],
    async run(store, form) {
      const id = runId(form);
      const res = await store.runs.cancel(id, 'cancelled from the console');
      return res.status === 'cancelled' ? `cancelled ${id}: ${res.removedJobs} waiting jobs removed, ${res.runningTasks.length} running agents stopped` : `run ${id} is already ${res.status}`;
    },
  },
  retry: {
    fields: ['run'],
    async run(store, form) {
      const id = runId(form);
      const only = form.get('only');
      const res = await store.runs.retry(id, only === 'failed' || only === 'skipped' ? only : undefined);
      return res.reopened.length ? `re-queued ${res.reopened.length} tasks of ${id}: ${res.reopened.join(', ')}` : `nothing to retry in ${id}`;
    },
  },
  approve: { fields: ['run', 'task'], run: (store, form) => decide(store, form, 'approve') },
  reject: { fields: ['run', 'task'], run: (store, form) => decide(store, form, 'reject') },
  drain: { fields: ['host'], run: (store, form) => drain(store, form, true) },
  undrain: { fields: ['host'], run: (store, form) => drain(store, form, false) },
  slots: {
    fields: ['host', 'slots'],
    async run(store, form) {
      const name = host(form);
      const text = form.get('slots') ?? '';
      if (!/^\d{1,3}$/.test(text) || Number(text) > 512) throw new InputError(`slots must be a whole number from 0 to 512, not '${text}'`);
      await store.hosts.setSlots(name, Number(text));
      await store.events.publish({ type: 'scale', host: name, slots: Number(text) });
      return `${name}: ${text} slots wanted`;
    },
  },
};
