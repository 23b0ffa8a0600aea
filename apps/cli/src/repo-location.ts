import { isAbsolute, resolve } from 'node:path';

/** A repository named in a file (plan, suite): a relative path is relative to that file's folder; URLs and scp-like addresses stay as written. */
export function repoFromFile(url: string, dir: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^/]+:/.test(url) || isAbsolute(url) ? url : resolve(dir, url);
}
