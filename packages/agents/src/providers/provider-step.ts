import type { StepEvent } from '../types.js';

/**
 * A note of the provider chain (a provider down or rate-limited, a wait for a fleet-wide pause)
 * as a transcript step: the chain is the fleet's own machinery, not the agent's.
 */
export function providerStep(text: string): StepEvent {
  return { type: 'step', step: 'provider', status: /\b(down|rate-limited)\b/.test(text) ? 'failed' : 'started', detail: text };
}
