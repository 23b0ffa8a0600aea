import { FleetError, formatDuration, type HostFile, type TaskSpec } from '@agentfleet/core';
import type { RunContext } from '@agentfleet/store';
import type { SlotWorkspace } from '@agentfleet/workspace';
import type { AttemptEvents } from './attempt-events.js';
import type { RunCommand } from './checks.js';
import { tailLine } from './failure.js';
import { copyHostFiles } from './host-files.js';

/** What the attempt's history says of the workspace setup. */
export interface SetupOutcome {
  setup: 'ran' | 'reused' | null;
  setupMs: number | null;
}

/** The paths a task's workspace keeps out of git: the setup's keep, and the host files. */
export function keptPathsOf(run: RunContext, files: readonly HostFile[]): { keep: string[]; neverCommit: string[] } {
  const keep = run.repo?.setup?.keep ?? [];
  return { keep, neverCommit: [...new Set([...keep, ...files.map((f) => f.to)])] };
}

export interface SetupInputs {
  slot: SlotWorkspace;
  run: RunContext;
  spec: TaskSpec;
  files: readonly HostFile[];
  host: string;
  command: RunCommand;
  events: AttemptEvents;
  scrub: (s: string) => string;
}

/**
 * Makes a prepared git workspace ready to work in, before any agent starts: the host's files
 * copied in (a path the repository tracks is refused, not overwritten), then `repo.setup`
 * run, unless the slot's last setup had the same key and its keep paths are still there.
 */
export async function setUpWorkspace(i: SetupInputs): Promise<SetupOutcome> {
  if (i.files.length) await copyFiles(i);
  const setup = i.run.repo?.setup;
  if (!setup) return { setup: null, setupMs: null };
  const started = Date.now();
  const state = await i.slot.setupState({ run: setup.run, key: setup.key });
  if (state.holds) {
    i.events.step('setup', 'skipped', `reused: ${setup.key.join(', ') || 'no key files'} unchanged`, Date.now() - started);
    return { setup: 'reused', setupMs: Date.now() - started };
  }
  i.slot.setupEnded(state.key, false);
  i.events.step('setup', 'started', setup.run);
  // setup keeps the network (npm ci, pip install) unless it says none
  const res = await i.command(setup.run, setup.timeoutMs, setup.network ?? 'full');
  const ok = res.exitCode === 0;
  i.events.step('setup', ok ? 'ok' : 'failed', `${setup.run}: exit code ${res.exitCode}`, res.durationMs);
  if (!ok) {
    const how = res.timedOut ? `timed out after ${formatDuration(setup.timeoutMs)}` : `failed (exit code ${res.exitCode})`;
    throw new FleetError('setup_failed', `task ${i.spec.id}: setup '${setup.run}' ${how}${tailLine(i.scrub(res.tail))}`, { outputTail: i.scrub(res.tail) });
  }
  i.slot.setupEnded(state.key, true);
  return { setup: 'ran', setupMs: res.durationMs };
}

async function copyFiles(i: SetupInputs): Promise<void> {
  const tracked = await i.slot.tracked(i.files.map((f) => f.to));
  if (tracked.length) {
    throw new FleetError('setup_failed', `task ${i.spec.id}: host file${tracked.length > 1 ? 's' : ''} ${tracked.join(', ')} (files in fleet.yaml for host ${i.host}) would overwrite what the repository tracks: refused; choose another 'to'`, { host: i.host, paths: tracked });
  }
  await i.events.timed('host files', () => Promise.resolve(copyHostFiles(i.files, i.slot.dir, i.host)), () => `${i.files.length} copied`);
}
