import type { AgentKind, Complexity, FleetConfig, PermitLease, PermitRequest, Tier, TranscriptEvent, Usage } from '@agentfleet/core';
import type { Confinement } from '@agentfleet/sandbox';
import type { Logger } from '@agentfleet/telemetry';
import type { SpendMeter } from './spend-meter.js';

export type { PermitLease, PermitRequest, Usage } from '@agentfleet/core';

export type { StepEvent, CommandEvent } from '@agentfleet/core';

/** What agents report as they run: the normalized transcript events (core/src/transcript.ts). */
export type AgentEvent = TranscriptEvent;

export interface AgentTask {
  runId: string;
  taskId: string;
  title: string;
  agent: AgentKind;
  prompt?: string;
  run?: string;
  complexity: Complexity;
  risk: string[];
  /** forces the model tier whatever complexity and risk pick (an eval variant) */
  tier?: Tier;
}

/** Fleet-wide pauses of providers that answered 429, shared by every worker (Redis in production). */
export interface ProviderPauses {
  /** Epoch ms until which the provider is paused; 0 if it is not. */
  pausedUntil(provider: string): Promise<number>;
  /** `reason` says why, for people (status, notices): "429 from lan", "claude usage limit". */
  pause(provider: string, untilMs: number, reason?: string): Promise<void>;
}

/** Fleet-wide concurrency per provider endpoint (Redis leases in production, in-process in tests and one-offs). */
export interface ProviderPermits {
  acquire(req: PermitRequest): Promise<PermitLease | null>;
}

export interface AgentBudget {
  tokens?: number;
  usd?: number;
}

export interface AgentRunRequest {
  task: AgentTask;
  workdir: string;
  env: NodeJS.ProcessEnv;
  /** Per-task limits; config.budgets.perTaskTokens / perTaskUsd fill what is not given. */
  budget: AgentBudget;
  signal: AbortSignal;
  onEvent: (e: AgentEvent) => void;
  /**
   * Where the agent adds what it spends as it spends it: the caller reads the total whatever
   * the end (success, failure, abort, budget). Shared by every agent run of one task attempt,
   * so per-task budgets count review and fix rounds too.
   */
  meter: SpendMeter;
  config: FleetConfig;
  pauses: ProviderPauses;
  /** fleet-wide permits of capped providers; default: this process's own (MemoryProviderPermits) */
  permits?: ProviderPermits;
  /**
   * The agent runs inside the fleet's own sandbox (the worker sets it whenever `sandbox` is
   * set): claude then gets IS_SANDBOX=1, which it needs to run without permission prompts as
   * root, and codex and claude have their own sandbox turned off.
   */
  sandboxed?: boolean;
  logger?: Logger;
  /** Directories besides the workdir that a sandboxed agent (codex) may write; the git common dir is added on its own. */
  extraWritableDirs?: string[];
  /**
   * The task's sandbox (bubblewrap): every process the agent starts runs in it. Absent: the
   * task runs unconfined (sandbox: none). See @agentfleet/sandbox.
   */
  sandbox?: Confinement;
  /**
   * Where the fleet's own secrets are read (the worker's environment): the provider chain's
   * API keys, and the one key a CLI agent passes on to its process. Never handed to a process
   * whole; `env` holds only what the task may see. Default: `env`.
   */
  credentials?: NodeJS.ProcessEnv;
  /** The daemon user's own home, where a CLI's login lives (copied into the job's home; HOME may be the sandbox's private one). */
  loginHome?: string;
  /** Removes the values of the fleet's secrets from text that goes to a model (tool results). */
  scrub?: (text: string) => string;
}

export interface AgentResult {
  exit: number;
  summary: string;
  usage: Usage;
  costUsd: number;
  provider?: string;
  model?: string;
  /** Last ~4 KB of output. */
  outputTail?: string;
}

export interface Agent {
  run(req: AgentRunRequest): Promise<AgentResult>;
}
