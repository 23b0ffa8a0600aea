import type { ServerResponse } from 'node:http';

/** A server-sent events stream to one browser; a comment every 15 s keeps proxies from closing it. */
export class SseClient {
  private readonly keepAlive: NodeJS.Timeout;
  closed = false;

  constructor(readonly res: ServerResponse, onClose: () => void) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    this.keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    res.on('close', () => {
      this.closed = true;
      clearInterval(this.keepAlive);
      onClose();
    });
  }

  send(event: string, data: unknown, id?: string): void {
    if (this.closed) return;
    this.res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
