// `fleet doctor` tries the sandbox where tasks run: on this machine for the local fleet, over
// SSH as each host's own user for the configured hosts (the same probe the daemon runs at
// start). A host that cannot sandbox refuses sandboxed tasks: that is a failure here.
import type { FleetConfig } from '@agentfleet/core';
import { DAEMON_ENV } from '@agentfleet/host-contract';
import { probeSandbox, probeScript, readProbe, type SandboxProbe } from '@agentfleet/sandbox';
import type { GlobalOptions } from '../fleet-context.js';
import type { DoctorCheck } from './doctor.js';
import { resolveRemoteHosts, withSession } from './remote-hosts.js';

export async function checkSandboxes(config: FleetConfig, globals: GlobalOptions): Promise<DoctorCheck[]> {
  if (config.hosts.length === 0) return [sandboxCheck('local', config.local.sandbox, await probeSandbox({ bwrap: process.env[DAEMON_ENV.bwrap] }))];
  const hosts = resolveRemoteHosts(config.hosts, globals.config);
  return Promise.all(
    hosts.map(async (h) => {
      const bwrap = h.spec.daemonEnv[DAEMON_ENV.bwrap];
      try {
        const r = await withSession(h, {}, (s) => s.exec(['sh', '-c', probeScript(bwrap)], { timeoutMs: 30_000 }));
        return sandboxCheck(h.spec.name, h.spec.sandbox, readProbe(r.code, r.stdout, r.stderr));
      } catch (e) {
        return { name: `sandbox ${h.spec.name}`, status: 'fail', detail: `cannot try the sandbox there: ${(e as Error).message}`, host: h.spec.name };
      }
    }),
  );
}

function sandboxCheck(host: string, mode: 'bwrap' | 'none', p: SandboxProbe): DoctorCheck {
  const base = { name: `sandbox ${host}`, host, mode, usable: p.ok, ...(p.version ? { version: p.version } : {}) };
  if (mode === 'none') return { ...base, status: 'warn', detail: `sandbox: none in fleet.yaml: its tasks run unconfined, as the daemon's user${p.ok ? ` (${p.version ?? 'bwrap'} would work there)` : ''}` };
  if (!p.ok) return { ...base, status: 'fail', detail: `${p.reason ?? 'bwrap failed'}; the host refuses sandboxed tasks (only sandbox: none tasks run there)` };
  return { ...base, status: 'ok', detail: `${p.version ?? 'bwrap'}: user, pid, network, mount, ipc and uts namespaces` };
}
