// A real local HTTP server that records every request and connection: where a hostile task
// would send what it stole (and where a test sees that nothing arrived).
import { createServer, type Server } from 'node:http';

export interface HeardRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpListener {
  url: string;
  port: number;
  /** TCP connections accepted, whether or not a request came over them */
  connections: number;
  requests: HeardRequest[];
  close(): Promise<void>;
}

export async function startHttpListener(): Promise<HttpListener> {
  const requests: HeardRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.end('ok\n');
    });
  });
  const state = { connections: 0 };
  server.on('connection', () => state.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return state.connections;
    },
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
