// The host's desired state as `fleet scale` and `fleet drain` write it in Redis, applied to
// the supervisor: worker slots, and drain (running tasks finish, no new ones start).
import type { FleetStore } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import type { Supervisor } from '../supervisor.js';

export class HostControl {
  private drainAsked = false;

  constructor(
    private readonly store: FleetStore,
    private readonly host: string,
    private readonly supervisor: Supervisor,
    private readonly defaultSlots: number,
    private readonly logger: Logger,
  ) {}

  /** Whether `fleet drain` holds this host. */
  get draining(): boolean {
    return this.drainAsked;
  }

  async apply(): Promise<void> {
    const ctl = await this.store.hosts.control(this.host);
    if (ctl.drain !== this.drainAsked) {
      this.drainAsked = ctl.drain;
      this.logger.info({ drain: ctl.drain }, ctl.drain ? 'draining: running tasks finish, no new ones start' : 'drain lifted');
      if (ctl.drain) this.supervisor.drain();
      else this.supervisor.undrain();
    }
    const want = ctl.slots ?? this.defaultSlots;
    if (want !== this.supervisor.size) {
      this.logger.info({ from: this.supervisor.size, to: want }, 'worker slots changed');
      this.supervisor.setDesired(want);
    }
  }
}
