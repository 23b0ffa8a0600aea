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
