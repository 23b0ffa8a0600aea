import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { FleetError } from '@agentfleet/core';

/** `scheme://...` */
const URL_WITH_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;
/** scp-like ssh syntax `[user@]host:path`, as git reads it: a colon before any slash. */
const SCP_LIKE = /^(?:[^@/:]+@)?[^/:]+:/;

/**
 * The form of a repository location that git is given and that keys its mirror:
 * URLs and scp-like addresses as written (minus trailing slashes), local paths made absolute.
 */
export function normalizeRepoUrl(url: string): string {
  const u = url.trim();
  if (!u) throw new FleetError('workspace_error', 'repository URL is empty');
  if (u.startsWith('-')) throw new FleetError('workspace_error', `repository URL may not start with '-': '${u}'`);
  if (URL_WITH_SCHEME.test(u)) return u.replace(/\/+$/, '');
  if (SCP_LIKE.test(u)) return u.replace(/\/+$/, '');
  return resolve(u).replace(/\/+$/, '') || '/';
}

/** Mirror directory name for a repository: a prefix of sha256 of its normalized URL. */
export function mirrorKey(url: string): string {
  return createHash('sha256').update(normalizeRepoUrl(url)).digest('hex').slice(0, 16);
}
