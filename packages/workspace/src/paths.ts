// Where in the agentfleet home the workspace keeps its mirrors and worktrees: the host contract's layout.
import { join } from 'node:path';
import { homeLayout } from '@agentfleet/host-contract';
import { mirrorKey } from './url.js';

export const mirrorsDir = (home: string) => homeLayout(home).mirrors;
export const mirrorDir = (home: string, url: string) => join(mirrorsDir(home), `${mirrorKey(url)}.git`);
export const mirrorLockFile = (mirror: string) => `${mirror.replace(/\.git$/, '')}.lock`;
export const slotsDir = (home: string) => homeLayout(home).slots;
export const slotDir = (home: string, slot: string) => join(slotsDir(home), slot);
export const integrateDir = (home: string) => homeLayout(home).integrate;

/** Mirror ref namespaces. Everything under refs/remotes/ is known to exist on a remote. */
export const ORIGIN_HEADS = 'refs/remotes/origin/heads/';
export const ORIGIN_TAGS = 'refs/remotes/origin/tags/';
export const RESULTS = 'refs/remotes/results/';
/** Work that exists only on this host (salvaged from a worktree), waiting to be pushed. */
export const UNPUSHED = 'refs/agentfleet/unpushed/';
/** Touched on every use: the janitor removes mirrors idle for long. */
export const MIRROR_STAMP = 'agentfleet-used';
