import type { NetworkMode } from '@agentfleet/core';

/**
 * What one task's processes may reach inside the sandbox, besides the system read-only (see
 * system-mounts.ts): paths are absolute on the host, and mounted at the same place inside,
 * so every path the worker computed (the workspace, caches, the exclude file) stays valid.
 */
export interface SandboxPolicy {
  /** the task's workspace: writable */
  workdir: string;
  /** the private HOME (writable, emptied by the worker before each task) */
  home: string;
  /** more writable places: the host's package caches */
  writable: readonly string[];
  /** more read-only places: the mirror's objects (the slot repository borrows them), the slot's exclude file */
  readOnly: readonly string[];
  /** where the sandbox's generated /etc/passwd and /etc/group are written (one directory per slot) */
  etcDir: string;
  network: NetworkMode;
}

/** Where the host's own sensitive places are: never mounted, whatever PATH says. */
export interface HiddenPlaces {
  /** the daemon user's home (its ~/.ssh, its logins, its other files) */
  userHome: string;
  /** the agentfleet home (logs, mirrors, other slots, transcripts, the start record) */
  fleetHome: string;
}

/** The uid and gid the sandboxed process has: an unprivileged one when the daemon is root (a user namespace mapping). */
export interface SandboxIdentity {
  uid: number;
  gid: number;
  /** false: the daemon's own ids (bwrap maps them to themselves) */
  mapped: boolean;
}

/** Root's tasks run as this uid/gid inside their user namespace (files they write are still root's on the host). */
export const SANDBOX_UID = 1000;

export function sandboxIdentity(uid = process.getuid?.() ?? 0, gid = process.getgid?.() ?? 0): SandboxIdentity {
  return uid === 0 ? { uid: SANDBOX_UID, gid: SANDBOX_UID, mapped: true } : { uid, gid, mapped: false };
}
