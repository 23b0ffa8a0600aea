import type { TranscriptEvent } from '@agentfleet/core';
import { scrubSecrets } from '@agentfleet/telemetry';

/** Every text of an event with the secrets' values replaced (strings, lists of strings, nested objects). */
export function scrubEvent<E extends TranscriptEvent>(e: E, secrets: readonly string[]): E {
  if (!secrets.length) return e;
  // output is most of what an attempt reports (a chunk per write of a chatty command): one text
  if (e.type === 'output') {
    const text = scrubSecrets(e.text, secrets);
    return text === e.text ? e : { ...e, text };
  }
  return scrubValue(e, secrets) as E;
}

function scrubValue(v: unknown, secrets: readonly string[]): unknown {
  if (typeof v === 'string') return scrubSecrets(v, secrets);
  if (Array.isArray(v)) return v.map((x) => scrubValue(x, secrets));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubValue(x, secrets)]));
  return v;
}
