// The monitor's HTTP server: /metrics (Prometheus text, collected on each scrape), /healthz,
// and /queues (bull-board). node:http, binding 127.0.0.1 unless told otherwise.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, METRICS_CONTENT_TYPE, renderMetrics, type HistogramBounds, type Logger } from '@agentfleet/telemetry';
import { DEFAULT_LISTEN, isLoopback, parseListen } from './listen.js';
import { QUEUES_BASE_PATH, QueuesBoard } from './queues-board.js';
import { readSnapshot, withTimeout, type MonitorSource } from './source.js';
import type { Console } from './console/console.js';

export interface MonitorServerOptions {
  source: MonitorSource;
  /** host:port; defaults to 127.0.0.1:9464 */
  listen?: string;
  /** lets bull-board retry, clean, pause or remove jobs; off by default */
  queuesWritable?: boolean;
  logger?: Logger;
  /** bucket bounds of the durable histograms (the store's DURATION/WAIT_BUCKETS_SECONDS) */
  histogramBounds: HistogramBounds;
  /** per-run budget in USD, for agentfleet_runs_over_budget */
  runBudgetUsd?: number | null;
  /** how long a scrape or health check waits for Redis; default 5000 ms */
  timeoutMs?: number;
  /** the web console at `/` (console/console.ts); without it `/` says what is served */
  console?: Console;
}

export interface MonitorServer {
  server: Server;
  host: string;
  port: number;
  /** base URL, e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

/** What the monitor answers: bull-board, the console, /metrics and /healthz. */
class MonitorRoutes {
  private readonly startedAt = Date.now();
  private readonly board: QueuesBoard;
  private readonly timeoutMs: number;

  constructor(
    private readonly opts: MonitorServerOptions,
    private readonly logger: Logger,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.board = new QueuesBoard({ loadQueues: () => opts.source.taskQueues(), writable: opts.queuesWritable ?? false });
  }

  async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === QUEUES_BASE_PATH || path.startsWith(`${QUEUES_BASE_PATH}/`)) return this.board.handle(req, res);
    if (path !== '/metrics' && path !== '/healthz' && this.opts.console && (await this.opts.console.handle(req, res))) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    if (path === '/metrics') return this.metrics(res);
    if (path === '/healthz') return this.healthz(res);
    if (path === '/') return send(res, 200, 'text/plain; charset=utf-8', 'agentfleet monitor: /metrics /healthz /queues\n');
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  private async metrics(res: ServerResponse): Promise<void> {
    let text: string;
    try {
      const snap = await withTimeout(readSnapshot(this.opts.source, this.opts), this.timeoutMs, 'the fleet store');
      text = await renderMetrics(snap);
    } catch (err) {
      this.logger.warn({ err }, 'metrics scrape failed');
      send(res, 503, 'text/plain; charset=utf-8', `metrics unavailable: ${(err as Error).message}\n`);
      return;
    }
    send(res, 200, METRICS_CONTENT_TYPE, text);
  }

  private async healthz(res: ServerResponse): Promise<void> {
    const uptimeSeconds = Math.round((Date.now() - this.startedAt) / 1000);
    try {
      const redis = await withTimeout(this.opts.source.redisInfo(), Math.min(this.timeoutMs, 2_000), 'Redis');
      sendJson(res, 200, { status: 'ok', redis, uptimeSeconds });
    } catch (err) {
      sendJson(res, 503, { status: 'unavailable', error: (err as Error).message, uptimeSeconds });
    }
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function createMonitorServer(opts: MonitorServerOptions): Promise<MonitorServer> {
  const { host, port } = parseListen(opts.listen ?? DEFAULT_LISTEN);
  const logger = opts.logger ?? createLogger({ name: 'monitor' });
  const routes = new MonitorRoutes(opts, logger);
  const server = createServer((req, res) => {
    routes.route(req, res).catch((err: unknown) => {
      logger.error({ err, url: req.url }, 'monitor request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  await listen(server, port, host);
  const addr = server.address() as AddressInfo;
  if (!isLoopback(addr.address)) logger.warn({ address: addr.address }, 'monitor listens beyond this machine; /metrics and /queues have no authentication');
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    host: addr.address,
    port: addr.port,
    url: `http://${urlHost}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        opts.console?.close();
        if (!server.listening) return resolve();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
}
