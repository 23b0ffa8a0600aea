// Where a task's processes run and what they see: the sandbox the task gets on this host (or
// a refusal: a task that needs one is never run unconfined), its private HOME, and the one
// environment of its agent, checks and setup (process-env.ts), built from the allowlisted
// daemon variables and the ones the task names.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { effectiveSandbox, FleetError, hostServes, sandboxNeedOf, type HostSandboxMode, type NetworkMode, type SandboxMode, type SetupSpec, type TaskSpec } from '@agentfleet/core';
import { homeLayout } from '@agentfleet/host-contract';
import { Confinement, type HostSandbox } from '@agentfleet/sandbox';
import { packageCaches, taskProcessEnv, type TaskIoPaths, type TaskProcessIds } from './process-env.js';

/** How this host confines tasks (one per worker). */
export interface HostConfinement {
  host: string;
  mode: HostSandboxMode;
  /** why bwrap cannot run here (mode unusable) */
  problem?: string | null;
  /** bwrap's host-wide part; present when mode is bwrap */
  bwrap?: HostSandbox;
}

/** What the attempt's history entry says of it. */
export interface ConfinementRecord {
  sandbox: SandboxMode;
  network: NetworkMode | null;
  env: string[];
  envMissing: string[];
}

/** The sandbox this task gets here; throws (retryable) when this host cannot give it the one it needs. */
export function sandboxHere(spec: TaskSpec, setup: SetupSpec | undefined, host: HostConfinement): SandboxMode {
  const need = sandboxNeedOf(spec, setup);
  if (!hostServes(need, host.mode)) {
    const why = host.mode === 'unusable' ? `cannot sandbox (${host.problem ?? 'bwrap failed'})` : 'is configured with sandbox: none';
    throw new FleetError('sandbox_error', `task ${spec.id} needs the sandbox, and host ${host.host} ${why}: it is left to hosts that can`, { host: host.host });
  }
  return effectiveSandbox(spec, host.mode);
}

export interface ConfineInputs {
  spec: TaskSpec;
  ids: TaskProcessIds;
  mode: SandboxMode;
  host: HostConfinement;
  /** allowlisted daemon variables and the slot marker (settings.agentEnvironment) */
  base: NodeJS.ProcessEnv;
  /** the variables the task names that its host forwards */
  named: Record<string, string>;
  /** the host's agentfleet home */
  home: string;
  /** the slot's directory, `<home>/slots/<slot>` */
  slotPath: string;
  workdir: string;
  /** the mirror's objects the slot repository borrows, and the slot's exclude file (git workspaces) */
  objects?: string;
  excludesFile?: string;
  /** where the task's processes leave outputs and a plan fragment (outside the workspace: writable in the sandbox) */
  io?: TaskIoPaths;
}

/** The task's processes' environment and, with bwrap, their sandbox (its private HOME made empty first). */
export function confineTask(i: ConfineInputs): { env: NodeJS.ProcessEnv; sandbox?: Confinement } {
  const env = taskProcessEnv({ ...i.base, ...i.named }, i.ids, { home: i.home, ...(i.excludesFile ? { excludesFile: i.excludesFile } : {}), ...(i.io ? { io: i.io } : {}) });
  if (i.mode === 'none' || !i.host.bwrap) return { env };
  const privateHome = join(i.slotPath, 'home');
  emptyDir(privateHome);
  Object.assign(env, { HOME: privateHome, TMPDIR: '/tmp' });
  const sandbox = new Confinement(i.host.bwrap, {
    workdir: i.workdir,
    home: privateHome,
    writable: [...Object.values(packageCaches(i.home)), ...(i.io ? [...new Set([dirname(i.io.outputs), dirname(i.io.planOut)])] : [])],
    readOnly: [i.objects, i.excludesFile].filter((p): p is string => p !== undefined),
    etcDir: join(i.slotPath, 'sandbox'),
    network: i.spec.network ?? 'full',
  });
  return { env, sandbox };
}

/** The slot's directory under the host's home (git and scratch workspaces alike). */
export const slotPathOf = (home: string, slot: string) => join(homeLayout(home).slots, slot);

/** What a task left in its private HOME (a token it wrote, a cache) never reaches the slot's next task. */
function emptyDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const e of readdirSync(dir)) rmSync(join(dir, e), { recursive: true, force: true });
}
