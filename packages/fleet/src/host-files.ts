// hosts[].files: `fleet up` checks that every `from` exists on its host before starting the
// daemon there, so a missing .env is a clear error at up rather than a failed task later.
import { hostFilePath, type HostFile } from '@agentfleet/core';
import type { SshSession } from './session.js';
import { shellQuote } from './shell-quote.js';

/** The files of `files` whose `from` does not exist on the host (`home`: its login directory, for `~/`). */
export async function missingHostFiles(s: SshSession, files: readonly HostFile[], home: string): Promise<HostFile[]> {
  if (files.length === 0) return [];
  const script = files.map((f, i) => `[ -e ${shellQuote(hostFilePath(f.from, home))} ] || echo ${i}`).join('\n');
  const r = await s.exec(['sh', '-c', script], { timeoutMs: 15_000 });
  const missing = new Set(r.stdout.split('\n').filter(Boolean).map(Number));
  return files.filter((_, i) => missing.has(i));
}
