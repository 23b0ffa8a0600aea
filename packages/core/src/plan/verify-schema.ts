import { z } from 'zod';
import { isBranchName } from '../ids.js';
import { repoPathProblem } from '../repo-path.js';
import { duration } from './duration-schema.js';
import { networkSchema } from './sandbox-schema.js';
import { MODEL_AGENT_KINDS } from './types.js';

// Plan keys of the fleet's own verification: checks after the agent, fix rounds, the repository's
// setup, the merge queue.

const command = z.string().refine((s) => s.trim() !== '', 'an empty check command runs nothing: write the command, such as npm test');

/** `check`: one command or a list of them, run in the task's workspace after the agent. */
export const checkSchema = z.union([command, z.array(command).min(1, 'an empty list of checks runs nothing: list at least one command, or leave check out')], {
  error: 'expected a command or a list of commands',
});

/** `fix_rounds`: how often a model-backed agent may run again to make failing checks pass. */
export const fixRoundsSchema = z.number().int().min(0).max(10);

/** A path relative to the repository root, inside it. */
export const repoPath = z.string().superRefine((p, ctx) => {
  const problem = repoPathProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** `repo.setup`: what makes a fresh workspace ready to work in, run again only when its key files change. */
export const setupSchema = z.strictObject({
  run: z.string().refine((s) => s.trim() !== '', 'an empty setup command runs nothing: write the command, such as npm ci'),
  key: z.array(repoPath).optional(),
  keep: z.array(repoPath).optional(),
  timeout: duration({ positive: true }),
  /** setup keeps the network (npm ci, pip install) unless this says none */
  network: networkSchema.optional(),
});

/** `integrate`: the merge queue of the run's results into one branch. */
export const integrateSchema = z.strictObject({
  branch: z.string().refine(isBranchName, 'not a valid git branch name (letters, digits, / . _ -; no spaces, no leading -, no ..)').optional(),
  check: checkSchema.optional(),
  resolver: z.enum(MODEL_AGENT_KINDS).optional(),
  timeout: duration({ positive: true }),
});
