// What a task's processes may reach: the sandbox they run in, their network, and the variables
// of the host they get by name (plan keys `sandbox`, `network`, `env`; `repo.setup.network`).

export const SANDBOX_MODES = ['bwrap', 'none'] as const;
/** bwrap: bubblewrap (the default); none: unconfined, as the daemon's user. */
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export const NETWORK_MODES = ['full', 'none'] as const;
/** none: the task's processes have only a loopback of their own (a network namespace). */
export type NetworkMode = (typeof NETWORK_MODES)[number];

/**
 * Agents whose CLI calls its model provider itself, from inside the task's sandbox: a
 * `network: none` task cannot use them. (The llm agent's model calls are made by the worker.)
 */
export const NETWORKED_AGENT_KINDS: readonly string[] = ['codex', 'claude', 'gemini'];

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The fleet's own variables (host-contract's control variables): no task may ask for them. */
export function isFleetVariable(name: string): boolean {
  return name.startsWith('AGENTFLEET_') || name === 'REDIS_URL';
}

/**
 * What a task asks of the host that runs it (its queue carries it): a sandbox for sure
 * (`sandbox: bwrap` written out, `network: none`, or a setup without network), none
 * (`sandbox: none`), or whatever its host is configured to do.
 */
export type SandboxNeed = 'bwrap' | 'unconfined' | 'host';

/** How a host confines its tasks: bwrap, none (fleet.yaml says so), or unusable (bwrap is configured but cannot run there). */
export type HostSandboxMode = SandboxMode | 'unusable';

export function sandboxNeedOf(spec: { sandbox?: SandboxMode; network?: NetworkMode }, setup?: { network?: NetworkMode }): SandboxNeed {
  if (spec.sandbox === 'none') return 'unconfined';
  if (spec.sandbox === 'bwrap' || spec.network === 'none' || setup?.network === 'none') return 'bwrap';
  return 'host';
}

/** Whether a host takes a task: one that cannot sandbox takes only `sandbox: none` tasks; an unconfined host refuses those that need the sandbox. */
export function hostServes(need: SandboxNeed, host: HostSandboxMode): boolean {
  if (need === 'unconfined') return true;
  if (host === 'unusable') return false;
  return need === 'host' || host === 'bwrap';
}

/** What a task's processes run in on a host that takes it. */
export function effectiveSandbox(spec: { sandbox?: SandboxMode }, host: HostSandboxMode): SandboxMode {
  return spec.sandbox === 'none' || host !== 'bwrap' ? 'none' : 'bwrap';
}
