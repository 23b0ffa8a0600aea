import { addUsage, emptyUsage, roundUsd, totalTokens, type ModelSpend, type Usage } from '@agentfleet/core';

/**
 * One agent run's share of a meter. Agents that learn their figures as running totals (a
 * CLI's stream, the llm loop) overwrite their share with `set`; the meter adds the shares.
 */
export interface SpendShare {
  set(usage: Usage, costUsd: number, served?: { provider?: string; model?: string }): void;
  readonly usage: Usage;
  readonly costUsd: number;
}

/**
 * What a task attempt has spent on models so far, across all its agent runs (builder,
 * reviewer, fix rounds). Agents add to it as they go, so the total is right whatever way
 * a run ends: the caller reads `spend` after a throw, an abort or a budget stop alike.
 */
export class SpendMeter {
  private readonly shares: { usage: Usage; costUsd: number }[] = [];
  private provider: string | null = null;
  private model: string | null = null;

  /** A new share for one agent run. */
  share(): SpendShare {
    const entry = { usage: emptyUsage(), costUsd: 0 };
    this.shares.push(entry);
    const served = (s?: { provider?: string; model?: string }) => {
      if (s?.provider) this.provider = s.provider;
      if (s?.model) this.model = s.model;
    };
    return {
      set: (usage, costUsd, s) => {
        entry.usage = { ...usage };
        entry.costUsd = costUsd;
        served(s);
      },
      get usage() {
        return entry.usage;
      },
      get costUsd() {
        return entry.costUsd;
      },
    };
  }

  get usage(): Usage {
    return this.shares.reduce((u, s) => addUsage(u, s.usage), emptyUsage());
  }

  get costUsd(): number {
    return roundUsd(this.shares.reduce((c, s) => c + s.costUsd, 0));
  }

  get tokens(): number {
    return totalTokens(this.usage);
  }

  get spend(): ModelSpend {
    return { provider: this.provider, model: this.model, usage: this.usage, costUsd: this.costUsd };
  }
}
