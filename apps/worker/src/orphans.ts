import { readdirSync, readFileSync } from 'node:fs';
import { DAEMON_ENV } from '@agentfleet/host-contract';

/** Agents carry this variable so a restarted worker can find what its predecessor left running. */
export const SLOT_MARKER = DAEMON_ENV.slotId;

/**
 * A worker killed mid-task (SIGKILL, OOM) cannot stop its agent, which runs in its own
 * process group and would keep writing into the slot's worktree. On start, a worker kills
 * every process that carries its slot's marker. Linux /proc; elsewhere nothing is found.
 */
export function killOrphanAgents(slot: string): number[] {
  const needle = `${SLOT_MARKER}=${slot}\0`;
  const killed: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return killed;
  }
  for (const e of entries) {
    const pid = Number(e);
    if (!pid || pid === process.pid) continue;
    let env: string;
    try {
      env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (!`${env}\0`.includes(needle)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  return killed;
}
