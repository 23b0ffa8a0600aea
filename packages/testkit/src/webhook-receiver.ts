// A webhook receiver for notification tests: a real HTTP server on 127.0.0.1 that records
// every POST (path, parsed JSON body, when), and can answer with an error status for a while.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  path: string;
  body: unknown;
  at: number;
}

export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  /** HTTP status to answer with (200 by default) */
  status = 200;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // recorded as text
        }
        receiver.received.push({ path: req.url ?? '', body, at: Date.now() });
        res.writeHead(receiver.status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What was posted to paths starting with `prefix`, oldest first. */
  on(prefix: string): ReceivedHook[] {
    return this.received.filter((h) => h.path.startsWith(prefix));
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
