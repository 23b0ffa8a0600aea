import type { Tier } from '../config/schema.js';
import type { HiddenFilesRef } from '../eval/types.js';
import type { NetworkMode, SandboxMode } from './sandbox-types.js';
import type { IntegrateSpec, SetupSpec } from './verify-types.js';

/** `approval`: a pure gate, it runs nothing and waits for a decision (see ApprovalSpec). */
export const AGENT_KINDS = ['shell', 'codex', 'claude', 'llm', 'noop', 'gemini', 'approval'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];
/** Agents that call a model: they need a prompt, spend tokens, and fall under run budgets. */
export const MODEL_AGENT_KINDS = ['codex', 'claude', 'llm', 'gemini'] as const satisfies readonly AgentKind[];

export function isModelBacked(agent: string): boolean {
  return (MODEL_AGENT_KINDS as readonly string[]).includes(agent);
}
export const COMPLEXITIES = ['low', 'medium', 'high'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];
export type Schedule = 'deps' | 'levels';
export type CleanMode = 'all' | 'keep-ignored';

export interface ReviewSpec {
  agent: AgentKind;
  prompt: string;
  rounds: number;
}

/** `approval:` a gate: once the task's agent has finished, the task waits for `fleet approve|reject`. */
export interface ApprovalSpec {
  /** what the person is asked; shown by status, top and notifications */
  prompt?: string;
  /** decided by `onTimeout` when nobody decided for this long (ms) */
  timeoutMs?: number;
  onTimeout: 'approve' | 'reject';
}

/** `when:` a CEL expression over the task's dependencies; `names` maps each CEL name it may use to a dependency id. */
export interface TaskCondition {
  expression: string;
  names: Record<string, string>;
}

/** A task after validation, with the plan's defaults applied. Durations in ms. */
export interface TaskSpec {
  id: string;
  title: string;
  agent: AgentKind;
  /** Prompt text for model-backed agents (prompt_file is read by the CLI into this). */
  prompt?: string;
  /** Path of the prompt file as written in the plan, relative to the plan file. */
  promptFile?: string;
  /** Command for `shell` tasks. */
  run?: string;
  deps: string[];
  complexity: Complexity;
  risk: string[];
  /** Estimated duration in ms (the plan's default estimate when the task has none). */
  estimateMs: number;
  timeoutMs: number;
  /** Kill and retry when no progress for this long. */
  stallTimeoutMs: number;
  retries: number;
  /** First retry delay (ms), doubled on each further attempt. */
  backoffMs?: number;
  labels: string[];
  /** false: start from the run's base alone, not from the dependencies' results. */
  inherit: boolean;
  review?: ReviewSpec;
  /** Commands the worker runs in the workspace after the agent; the task succeeds only when each exits 0. */
  checks?: string[];
  /** Each check's own timeout (ms; default VERIFY_DEFAULTS.checkTimeoutMs). */
  checkTimeoutMs?: number;
  /** Model-backed agents: runs again with a failing check's output, at most this often (default 1). */
  fixRounds?: number;
  /** Set on the run's merge-queue task only (see plan/merge-queue.ts). */
  mergeQueue?: IntegrateSpec;
  /** Forces the model tier whatever complexity and risk pick (an eval variant's tier; not a plan key). */
  tier?: Tier;
  /** An eval case's hidden files, copied in only for the checks (not a plan key). */
  hidden?: HiddenFilesRef;
  /** The sandbox its processes need: unset, as its host is configured (bwrap unless the host says none). */
  sandbox?: SandboxMode;
  /** Its processes' network in the sandbox (default full). */
  network?: NetworkMode;
  /** Names of the host's variables its processes get (only those the host forwards). */
  env?: string[];
  /** Dependencies written `{ task, after: any }`: their failure or skip does not skip this task (a subset of deps). */
  anyDeps?: string[];
  when?: TaskCondition;
  approval?: ApprovalSpec;
  /** The task writes a plan fragment to $AGENTFLEET_PLAN_OUT; its tasks join the run when it succeeds. */
  expands?: boolean;
  /** Source position of the task in the plan file, for messages. */
  line?: number;
  column?: number;
}

export interface RepoSpec {
  url: string;
  ref: string;
  /** Where result branches are pushed; defaults to url. */
  push?: string;
  /** Makes a slot's workspace ready (e.g. npm ci), again only when its key files change. */
  setup?: SetupSpec;
  /** Results go to a scratch repository in each host's own agentfleet home, not to a remote (eval runs without --push). */
  pushScratch?: boolean;
}

export interface PlanDefaults {
  agent: AgentKind;
  timeoutMs: number;
  retries: number;
  /** First retry delay (ms), doubled on each further attempt. */
  backoffMs: number;
  estimateMs: number;
  stallTimeoutMs: number;
  complexity: Complexity;
  checks?: string[];
  checkTimeoutMs?: number;
  fixRounds?: number;
  sandbox?: SandboxMode;
  network?: NetworkMode;
  env?: string[];
}

export interface Plan {
  name: string;
  repo?: RepoSpec;
  defaults: PlanDefaults;
  clean: CleanMode;
  tasks: TaskSpec[];
  /** The merge queue (plan key `integrate`); `fleet run --integrate BRANCH` sets or overrides its branch. */
  integrate?: IntegrateSpec;
}

/** Defaults that apply when a plan says nothing. */
export const PLAN_DEFAULTS: PlanDefaults = {
  agent: 'codex',
  timeoutMs: 30 * 60_000,
  retries: 2,
  backoffMs: 5_000,
  estimateMs: 10 * 60_000,
  stallTimeoutMs: 10 * 60_000,
  complexity: 'medium',
};
