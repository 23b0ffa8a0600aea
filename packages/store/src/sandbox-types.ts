// What a host's heartbeat says of its sandbox (fleet hosts --json: `sandbox`).
/** A host's sandbox as its daemon tried it at start: configured mode, and whether bwrap works there. */
export interface HostSandboxStatus {
  /** what fleet.yaml configures for the host (hosts[].sandbox, local.sandbox) */
  mode: 'bwrap' | 'none';
  /** bwrap mode: it can create its namespaces here (false: the host takes only sandbox: none tasks) */
  ok: boolean;
  /** `bubblewrap 0.8.0` */
  version?: string;
  /** why it cannot sandbox, and what to do */
  reason?: string;
}
