// A gate a task's command waits at until the test opens it: a real local HTTP server that holds
// every request until release(). Tests that need a task to be "still running" at some point use
// it instead of a sleep long enough on a quiet machine and too short on a loaded one.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class ReleaseGate {
  private readonly held: ServerResponse[] = [];
  private open = false;
  private readonly server = createServer((_req, res) => {
    if (this.open) res.end('open\n');
    else this.held.push(res);
  });

  private constructor() {}

  static async start(): Promise<ReleaseGate> {
    const gate = new ReleaseGate();
    await new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve));
    return gate;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** How many commands wait at the gate now. */
  get waiting(): number {
    return this.held.length;
  }

  /** A shell command that returns once the gate is open (node is on every fleet host's PATH). */
  get command(): string {
    return `node -e 'require("http").get(process.argv[1], (r) => r.resume().on("end", () => process.exit(0))).on("error", () => process.exit(1))' ${this.url}`;
  }

  release(): void {
    this.open = true;
    for (const res of this.held.splice(0)) res.end('open\n');
  }

  async close(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
