import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import type { FleetEvent } from './types.js';

const EVENT_TYPES = new Set<FleetEvent['type']>(['cancel', 'scale', 'drain', 'queues']);

/** A message from the events channel, or null when it is not one of ours (a stray publish). */
export function parseFleetEvent(text: string): FleetEvent | null {
  try {
    const ev = JSON.parse(text) as unknown;
    if (typeof ev !== 'object' || ev === null || !EVENT_TYPES.has((ev as FleetEvent).type)) return null;
    return ev as FleetEvent;
  } catch {
    return null;
  }
}

export interface Subscription {
  close(): Promise<void>;
}

/** Pub/sub notifications (cancel, scale, drain, new queues) between the CLI, daemons and workers. */
export class FleetEvents {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async publish(event: FleetEvent): Promise<void> {
    await this.redis.publish(this.keys.events(), JSON.stringify(event));
  }

  /**
   * Calls `handler` with each well-formed event, on a connection of its own (a subscribed
   * connection can do nothing else). It resubscribes by itself after Redis restarts.
   */
  async subscribe(handler: (event: FleetEvent) => void): Promise<Subscription> {
    const sub = this.redis.duplicate();
    sub.on('error', () => undefined);
    sub.on('message', (_channel: string, text: string) => {
      const ev = parseFleetEvent(text);
      if (ev) handler(ev);
    });
    await sub.subscribe(this.keys.events());
    return { close: async () => void (await sub.quit().catch(() => sub.disconnect())) };
  }
}
