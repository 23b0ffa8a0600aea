// The daemon bundle `fleet deploy` and `fleet up` ship: which one (apps/worker/bundle, or
// $AGENTFLEET_BUNDLE), its content hash and version, and putting it on a host after the probe.
import { hashBundle, deployBundle, probeHost, SshError, type DeployResult, type HostProbe, type SshSession } from '@agentfleet/fleet';
import { bundleDir, bundleVersion, remoteHomeSpec, type RemoteHost } from './remote-hosts.js';

export interface Bundle {
  dir: string;
  hash: string;
  version: string;
}

export function loadBundle(): Bundle {
  const dir = bundleDir();
  const hash = hashBundle(dir);
  return { dir, hash, version: bundleVersion(dir, hash) };
}

export type ReadyProbe = HostProbe & { node: { path: string; version: string } };

/** Probe, then upload the release unless the host has it already (and point `current` at it). */
export async function deployTo(s: SshSession, host: RemoteHost, bundle: Bundle): Promise<{ probe: ReadyProbe; release: DeployResult }> {
  const probe = await probeHost(s);
  if (probe.missing.length > 0 || !probe.node) {
    throw new SshError(host.spec.name, `${host.spec.name} cannot run fleet-hostd: ${probe.missing.join('; ')}`, { missing: probe.missing });
  }
  const release = await deployBundle(s, bundle.dir, { root: remoteHomeSpec(host.spec), hash: bundle.hash });
  return { probe: probe as ReadyProbe, release };
}
