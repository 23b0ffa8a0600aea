// The one place an agent kind of a plan becomes an agent: shell, noop and approval gates, the
// built-in llm agent, and the Codex, Claude Code and Gemini CLIs, each given what it needs.
import type { AgentKind, Tier } from '@agentfleet/core';
import { ClaudeAgent } from './cli-agents/claude-agent.js';
import { CodexAgent } from './cli-agents/codex-agent.js';
import { GeminiAgent } from './cli-agents/gemini-agent.js';
import { LlmAgent } from './llm/llm-agent.js';
import type { CooldownRegistry } from './providers/cooldowns.js';
import { NoopAgent, ShellAgent } from './shell-agent.js';
import type { Agent } from './types.js';

export interface AgentDeps {
  /** In-process provider cool-downs; default one registry per process. */
  cooldowns?: CooldownRegistry;
  /** llm: most model turns before giving up (default 50). */
  maxTurns?: number;
  /** llm/codex/claude: waits for every provider longer than this park the task (default 60 s). */
  parkAfterMs?: number;
  /** Binaries; default $AGENTFLEET_CODEX_BIN / $AGENTFLEET_CLAUDE_BIN, then codex / claude. */
  codexBin?: string;
  /** codex: where per-job CODEX_HOMEs are made (default ~/.agentfleet/codex-homes). */
  codexHomesDir?: string;
  claudeBin?: string;
  /** Binary of the gemini agent; default $AGENTFLEET_GEMINI_BIN, then gemini. */
  geminiBin?: string;
  /** claude: model per tier (default haiku / sonnet / opus). */
  claudeModels?: Partial<Record<Tier, string>>;
}

export function createAgent(kind: AgentKind, deps: AgentDeps = {}): Agent {
  switch (kind) {
    case 'shell':
      return new ShellAgent();
    // a pure approval gate runs nothing: the attempt publishes what its dependencies made and waits
    case 'noop':
    case 'approval':
      return new NoopAgent();
    case 'llm':
      return new LlmAgent({ maxTurns: deps.maxTurns, cooldowns: deps.cooldowns, parkAfterMs: deps.parkAfterMs });
    case 'codex':
      return new CodexAgent({ bin: deps.codexBin, cooldowns: deps.cooldowns, parkAfterMs: deps.parkAfterMs, homesDir: deps.codexHomesDir });
    case 'claude':
      return new ClaudeAgent({ bin: deps.claudeBin, models: deps.claudeModels, cooldowns: deps.cooldowns, parkAfterMs: deps.parkAfterMs });
    case 'gemini':
      return new GeminiAgent({ bin: deps.geminiBin, cooldowns: deps.cooldowns, parkAfterMs: deps.parkAfterMs });
  }
}
