// bull-board over the task queues, mounted under /queues of a plain node:http server.
// Read-only unless configured: every adapter gets readOnlyMode, and the server also refuses
// any method other than GET/HEAD below /queues (two locks, so a future bull-board route that
// forgets the flag still cannot change a queue).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { BullQueue } from './source.js';

export const QUEUES_BASE_PATH = '/queues';
const REFRESH_MS = 5_000;

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

export interface QueuesBoardOptions {
  loadQueues: () => Promise<readonly BullQueue[]>;
  writable: boolean;
}

export class QueuesBoard {
  private readonly adapter = new ExpressAdapter();
  private readonly handler: NodeHandler;
  private board: ReturnType<typeof createBullBoard> | undefined;
  private names = '';
  private refreshedAt = 0;

  constructor(private readonly opts: QueuesBoardOptions) {
    this.adapter.setBasePath(QUEUES_BASE_PATH);
    this.handler = this.adapter.getRouter() as NodeHandler;
  }

  /** Handles a request whose path starts with /queues. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (!this.opts.writable && method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'application/json', allow: 'GET, HEAD' });
      res.end(JSON.stringify({ error: 'the queue board is read-only (set monitor.queuesWritable to allow changes)' }));
      return;
    }
    try {
      await this.refresh();
    } catch (err) {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `cannot list the task queues: ${(err as Error).message}` }));
      return;
    }
    const original = req.url ?? '/';
    const inner = original.slice(QUEUES_BASE_PATH.length);
    // What `app.use('/queues', board)` would do: the board sees paths relative to its mount point.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
    req.url = inner.startsWith('/') ? inner : `/${inner}`;
    await new Promise<void>((resolve, reject) => {
      res.once('finish', resolve);
      res.once('close', resolve);
      this.handler(req, res, (err) => {
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not found\n');
        }
      });
    });
  }

  /** Picks up queues created since the last look (a queue per label set appears on demand). */
  private async refresh(): Promise<void> {
    if (this.board && Date.now() - this.refreshedAt < REFRESH_MS) return;
    const queues = await this.opts.loadQueues();
    this.refreshedAt = Date.now();
    const names = queues.map((q) => q.name).sort().join('\n');
    if (this.board && names === this.names) return;
    const adapters = queues.map((q) => new BullMQAdapter(q, { readOnlyMode: !this.opts.writable }));
    if (this.board) this.board.replaceQueues(adapters);
    else {
      // @bull-board/express pins an older @bull-board/api than the one installed: same shape,
      // separate declarations, hence the cast.
      const serverAdapter = this.adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'];
      this.board = createBullBoard({ queues: adapters, serverAdapter, options: { uiConfig: { boardTitle: 'agentfleet queues' } } });
    }
    this.names = names;
  }
}
