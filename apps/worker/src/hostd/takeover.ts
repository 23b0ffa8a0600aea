// Which daemon of a home runs: the pid file names the newest one (the launcher writes it), and
// the active lock is held by the one whose workers run. A daemon started to replace another
// (fleet up --restart) waits until that one has drained and exited, then takes over; one that
// finds another live daemon in the pid file, or is itself replaced while waiting, exits.
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireLock, homeLayout, isHostdProcess, LockBusyError, readPidFile, releasePidFile, takePidFile, writePidFile, type LockHandle } from '@agentfleet/host-contract';
import type { Logger } from '@agentfleet/telemetry';
import type { WorkerSettings } from '../settings.js';

export interface HomeClaim {
  release(): void;
}

const POLL_MS = 500;

async function tryActive(file: string): Promise<LockHandle | LockBusyError> {
  try {
    return await acquireLock(file, { waitMs: 0, purpose: 'host daemon' });
  } catch (e) {
    if (e instanceof LockBusyError) return e;
    throw e;
  }
}

/** Waits for the active lock (and for the replaced daemon to be gone); null when told to stop first. */
async function waitActive(settings: WorkerSettings, logger: Logger, signal: AbortSignal): Promise<LockHandle | null> {
  const layout = homeLayout(settings.home);
  let said = false;
  while (!signal.aborted) {
    // A daemon of an older release removes the pid file when it exits, whoever it names: take it back.
    const named = readPidFile(layout.pidFile) ?? (takePidFile(layout.pidFile).taken ? process.pid : undefined);
    if (named !== process.pid) {
      logger.info('another daemon was started after this one while it waited; exiting');
      return null;
    }
    const predecessorAlive = settings.replaces !== null && isHostdProcess(settings.replaces);
    const got = predecessorAlive ? null : await tryActive(layout.activeLock);
    if (got && !(got instanceof LockBusyError)) return got;
    if (!said) {
      const holder = got instanceof LockBusyError ? got.holder?.pid : settings.replaces;
      logger.info({ replaces: holder }, `waiting for the daemon it replaces (pid ${holder ?? '?'}) to drain: its running tasks finish first`);
      said = true;
    }
    await sleep(POLL_MS);
  }
  return null;
}

/** One daemon per home: the pid file, then the active lock. Null: this daemon is not the one to run. */
export async function claimHome(settings: WorkerSettings, logger: Logger, signal: AbortSignal): Promise<HomeClaim | null> {
  const layout = homeLayout(settings.home);
  const pid = takePidFile(layout.pidFile);
  // The launcher names a replacement in the pid file right after spawning it; should this
  // daemon be quicker than that, the file still names the daemon it replaces.
  if (!pid.taken && pid.holder === settings.replaces) writePidFile(layout.pidFile, process.pid);
  else if (!pid.taken) {
    logger.warn({ holder: pid.holder }, 'a host daemon is already running; exiting');
    return null;
  }
  const active = await waitActive(settings, logger, signal);
  if (!active) {
    releasePidFile(layout.pidFile);
    return null;
  }
  return {
    release() {
      active.release();
      releasePidFile(layout.pidFile);
    },
  };
}
