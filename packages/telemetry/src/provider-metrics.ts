// Provider economics as metrics: permit waits (durable totals), permits in use and waiting,
// and fleet-wide pauses, by provider (a bounded label: the providers of fleet.yaml).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { MetricsSnapshot } from './snapshot.js';

export function addProviderMetrics(snap: MetricsSnapshot, registers: Registry[]): void {
  const waits = new Counter({ name: 'agentfleet_provider_permit_waits_total', help: 'Model requests that waited for a provider permit (maxConcurrent), by provider.', labelNames: ['provider'], registers });
  const waited = new Counter({ name: 'agentfleet_provider_permit_wait_seconds_total', help: 'Seconds model requests waited for a provider permit, by provider.', labelNames: ['provider'], registers });
  for (const w of snap.stats.permitWaits ?? []) {
    waits.inc({ provider: w.provider }, w.count);
    waited.inc({ provider: w.provider }, w.seconds);
  }
  const inUse = new Gauge({ name: 'agentfleet_provider_permits_in_use', help: 'Permits of a capped provider held now (fleet-wide).', labelNames: ['provider'], registers });
  const waiting = new Gauge({ name: 'agentfleet_provider_permit_waiters', help: 'Requests waiting for a permit of a capped provider now.', labelNames: ['provider'], registers });
  const limit = new Gauge({ name: 'agentfleet_provider_permit_limit', help: 'The cap in force on a provider endpoint (the smallest maxConcurrent declared).', labelNames: ['provider'], registers });
  for (const p of snap.providers?.permits ?? []) {
    inUse.set({ provider: p.provider }, p.inUse);
    waiting.set({ provider: p.provider }, p.waiting);
    limit.set({ provider: p.provider }, p.limit);
  }
  const paused = new Gauge({ name: 'agentfleet_provider_paused_seconds', help: 'Seconds until a provider paused fleet-wide (429, usage limit) resumes.', labelNames: ['provider'], registers });
  const now = Date.now();
  for (const p of snap.providers?.pauses ?? []) paused.set({ provider: p.provider }, Math.max(0, (p.until - now) / 1000));
}
