import type { Tier } from '../config/schema.js';
import type { AgentKind, RepoSpec, TaskSpec } from '../plan/types.js';
import type { Usage } from '../usage.js';

/** The matrix dimensions of `fleet eval --matrix`: what varies between an eval's variants. */
export const MATRIX_DIMENSIONS = ['agent', 'tier', 'provider'] as const;
export type MatrixDimension = (typeof MATRIX_DIMENSIONS)[number];

/** Values per dimension (a dimension left out does not vary: the suite's default applies). */
export interface MatrixSpec {
  agent?: AgentKind[];
  tier?: Tier[];
  provider?: string[];
}

/** One point of the matrix: the agent, and when the matrix says so a forced tier and a single provider. */
export interface EvalVariant {
  /** values joined with '/' in dimension order (`llm/low/lan`); `default` for an empty matrix */
  name: string;
  agent: AgentKind;
  /** forces the model tier, whatever the case's complexity or risk would pick */
  tier?: Tier;
  /** the provider chain limited to this provider of fleet.yaml */
  provider?: string;
}

/** A hidden file of a case as the suite names it: read at submit, copied in only for the checks. */
export interface HiddenSpec {
  /** a file or folder, relative to the suite file */
  from: string;
  /** where it goes in the workspace, relative to the repository root */
  to: string;
  line?: number;
  column?: number;
}

/** A case as the suite file gives it, with the suite's defaults applied. */
export interface SuiteCase {
  id: string;
  /** the task the case becomes, agent and tier aside (they are the variant's) */
  task: TaskSpec;
  /** the repository as written (relative paths are relative to the suite file) */
  repo: string;
  ref: string;
  setup?: RepoSpec['setup'];
  hidden: HiddenSpec[];
  line?: number;
  column?: number;
}

/** A validated suite file (core: no I/O; the CLI reads prompt and hidden files). */
export interface Suite {
  name: string;
  cases: SuiteCase[];
  /** the suite's own matrix (`--matrix` flags replace a dimension of it) */
  matrix: MatrixSpec;
  /** the agent of a variant when the matrix does not vary it */
  agent: AgentKind;
}

/** One hidden file as it travels with the eval (contents base64: tests may hold any bytes). */
export interface HiddenFile {
  path: string;
  data: string;
  mode: number;
}

/** Which eval's hidden files a task waits for: the worker fetches them right before its checks. */
export interface HiddenFilesRef {
  evalId: string;
  caseId: string;
  /** every file's path in the workspace: never committed, never there while the agent runs */
  paths: string[];
}

/** A case as an eval stores it: its repository resolved to a commit once, at submit. */
export interface EvalCase {
  id: string;
  repo: RepoSpec;
  baseCommit: string;
  task: TaskSpec;
  /** the hidden files' paths (their contents are stored beside the eval) */
  hiddenPaths: string[];
}

/** One run of one case by one variant. */
export interface TrialSpec {
  runId: string;
  caseId: string;
  variant: string;
  /** 1..repeat */
  repeat: number;
}

/** solved: the task succeeded, so every check passed; unsolved: it failed; cancelled: not attempted (budget, cancel); pending: not ended yet. */
export type TrialStatus = 'solved' | 'unsolved' | 'cancelled' | 'pending';

/** What a trial came to, as the eval records it once its run has ended. */
export interface TrialResult extends TrialSpec {
  status: TrialStatus;
  error: { kind: string; message: string } | null;
  /** the run's wall time, start to end (setup, agent, checks, fix rounds, retries) */
  durationMs: number | null;
  usage: Usage;
  costUsd: number;
  attempts: number;
  provider: string | null;
  model: string | null;
}
