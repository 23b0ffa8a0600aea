import { InputError } from '@agentfleet/core';
import { missingHostFiles, type SshSession } from '@agentfleet/fleet';
import type { RemoteHost } from './remote-hosts.js';

/** `fleet up`: a host file missing on its host is an error now, not a failed task later; its daemon is not started. */
export async function refuseMissingHostFiles(s: SshSession, h: RemoteHost, home: string): Promise<void> {
  const missing = await missingHostFiles(s, h.spec.files, home);
  if (missing.length) {
    throw new InputError(missing.map((f) => `host '${h.spec.name}': files in fleet.yaml: ${f.from} (to ${f.to}) does not exist on ${h.spec.name}; its daemon was not started`).join('\n'));
  }
}
