import type { TaskContext } from '@agentfleet/store';

export interface ConflictToResolve {
  taskId: string;
  title: string;
  commit: string;
  branch: string;
  paths: string[];
  checks: readonly string[];
}

/** The resolver agent's prompt: which result conflicts where, and what the fleet does after it. */
export function resolverPrompt(c: ConflictToResolve): string {
  const checks = c.checks.length ? ` and then runs ${c.checks.map((x) => `\`${x}\``).join(', ')}, which must pass` : '';
  return `You resolve a git merge conflict in this workspace.
The fleet's merge queue is merging the result of task '${c.taskId}' (${c.title}), commit ${c.commit.slice(0, 12)}, into branch ${c.branch}. The merge stopped on conflicts in:
${c.paths.map((p) => `- ${p}`).join('\n')}
Those files hold conflict markers (<<<<<<<, =======, >>>>>>>). Edit them so that the code keeps what both sides meant, and remove every marker. Do not commit and do not run git merge or git reset: when you finish, the fleet commits the merge${checks}.`;
}

/** The merge task's context as its resolver runs: the resolver's agent kind and prompt, no review of its own. */
export function resolverContext(ctx: TaskContext, prompt: string): TaskContext {
  const resolver = ctx.spec.mergeQueue?.resolver ?? ctx.spec.agent;
  return { ...ctx, spec: { ...ctx.spec, agent: resolver, prompt, review: undefined } };
}
