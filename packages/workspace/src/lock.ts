// The workspace's locks (slot worktrees, mirrors) are the host contract's lock files; here a
// busy lock becomes the workspace error a task attempt reports.
import { FleetError } from '@agentfleet/core';
import { acquireLock as acquireFileLock, withLock as withFileLock, type LockBusyError, type LockHandle, type LockOptions } from '@agentfleet/host-contract';

export { isStale, pidAlive, readLock, type LockHandle, type LockInfo, type LockOptions } from '@agentfleet/host-contract';

const busyError = (e: LockBusyError) => new FleetError('workspace_error', e.message, { file: e.file, holder: e.holder });

export function acquireLock(file: string, opts: LockOptions = {}): Promise<LockHandle> {
  return acquireFileLock(file, { busyError, ...opts });
}

export function withLock<T>(file: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  return withFileLock(file, { busyError, ...opts }, fn);
}
