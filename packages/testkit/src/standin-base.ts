// What every model stand-in shares (the OpenAI-compatible one, the Anthropic one, ...):
// an HTTP server on 127.0.0.1, the requests it received, a script of replies served in order,
// a capacity like a small model server's (so many requests at a time, the rest stall), and
// the usage it billed, so tests compare what the fleet recorded with what was served.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface StandinToolCall {
  name: string;
  /** JSON text, or an object that is serialized. */
  arguments: string | Record<string, unknown>;
  id?: string;
}

export interface StandinUsage {
  prompt: number;
  completion: number;
  cached?: number;
}

export type StandinReply =
  | { kind: 'reply'; content?: string; toolCalls?: StandinToolCall[]; usage?: StandinUsage }
  | { kind: 'error'; status: number; headers?: Record<string, string>; message?: string }
  /** A subscription usage limit, as the API reports it (each stand-in in its provider's own form). */
  | { kind: 'usage-limit'; resetsAt: number }
  /** Never answers (until the client gives up or the server closes). */
  | { kind: 'hang' }
  /** Sends the headers and the first chunk of a stream, then goes silent. */
  | { kind: 'hang-mid-stream'; content: string }
  /** Destroys the connection without an answer. */
  | { kind: 'refuse' };

export interface RecordedRequest {
  /** epoch ms it arrived */
  at: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export type ScriptedReply = StandinReply | ((req: RecordedRequest) => StandinReply);

export const reply = {
  text: (content: string, usage?: StandinUsage): StandinReply => ({ kind: 'reply', content, usage }),
  tools: (calls: StandinToolCall[], usage?: StandinUsage, content?: string): StandinReply => ({ kind: 'reply', toolCalls: calls, usage, content }),
  tool: (name: string, args: Record<string, unknown>, usage?: StandinUsage): StandinReply => ({ kind: 'reply', toolCalls: [{ name, arguments: args }], usage }),
  status: (status: number, headers?: Record<string, string>, message?: string): StandinReply => ({ kind: 'error', status, headers, message }),
  /** `resetsAt` in epoch ms */
  usageLimit: (resetsAt: number): StandinReply => ({ kind: 'usage-limit', resetsAt }),
  hang: (): StandinReply => ({ kind: 'hang' }),
  refuse: (): StandinReply => ({ kind: 'refuse' }),
};

/** Tokens in the fleet's terms: input includes the cached part. */
export interface BilledUsage {
  input: number;
  cachedInput: number;
  output: number;
}

export interface CapacityOptions {
  /** model requests served at once; the rest stall without an answer (an overloaded Ollama) */
  capacity?: number;
  /** how long a served request takes before its answer */
  serviceMs?: number;
}

/** What the server went through: for the capacity benchmark. */
export interface ServiceFigures {
  served: number;
  stalled: number;
  maxInFlight: number;
  /** summed service time of served requests, ms */
  busyMs: number;
  firstStartAt: number | null;
  lastEndAt: number | null;
}

let counter = 0;
export const nextId = (p: string) => `${p}_${++counter}`;

export function splitText(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

export function usageOf(r: { usage?: StandinUsage }): StandinUsage {
  return r.usage ?? { prompt: 10, completion: 5, cached: 0 };
}

export function argsText(c: StandinToolCall): string {
  return typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments);
}

export abstract class StandinServer {
  readonly requests: RecordedRequest[] = [];
  /** usage of every answer sent whole, per model */
  readonly billedByModel = new Map<string, BilledUsage>();
  readonly figures: ServiceFigures = { served: 0, stalled: 0, maxInFlight: 0, busyMs: 0, firstStartAt: null, lastEndAt: null };
  protected readonly queue: ScriptedReply[] = [];
  /** answers requests once the script is used up (respondWith) */
  private responder: ((req: RecordedRequest) => StandinReply) | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  protected readonly hanging = new Set<ServerResponse>();
  private inFlight = 0;
  port = 0;

  constructor(
    /** what its model listing names */
    protected readonly models: string[] = ['standin-small', 'standin-large'],
    protected readonly capacity: CapacityOptions = {},
  ) {}

  /** Appends replies to the script (served first in, first out, across endpoints). */
  enqueue(...replies: ScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /**
   * Answers every request the script has no reply for, e.g. by the task a request is for
   * (byTask): tasks that run at once on several slots get their own replies in order.
   */
  respondWith(fn: ((req: RecordedRequest) => StandinReply) | undefined): this {
    this.responder = fn;
    return this;
  }

  /** Drops replies not served yet, the responder, recorded requests and billed usage. */
  reset(): void {
    this.responder = undefined;
    this.queue.length = 0;
    this.requests.length = 0;
    this.billedByModel.clear();
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Model calls received (POSTs, not model listings). */
  get modelRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST');
  }

  /** Everything billed, over all models. */
  get billed(): BilledUsage {
    const total = { input: 0, cachedInput: 0, output: 0 };
    for (const u of this.billedByModel.values()) {
      total.input += u.input;
      total.cachedInput += u.cachedInput;
      total.output += u.output;
    }
    return total;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.receive(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    return this;
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.hanging.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /** Routes that are not model calls (listings, health); undefined: a model call. */
  protected abstract route(req: RecordedRequest, res: ServerResponse): boolean;
  /** Answers one model call with a scripted reply (refusals and hangs are done already). */
  protected abstract answer(req: RecordedRequest, res: ServerResponse, r: StandinReply, bill: (model: string, u: BilledUsage) => void): void;

  protected json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  }

  protected nextReply(recorded: RecordedRequest): StandinReply {
    const next = this.queue.shift() ?? this.responder;
    return next === undefined ? { kind: 'error', status: 500, message: 'stand-in: no scripted reply left' } : typeof next === 'function' ? next(recorded) : next;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return this.json(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    const recorded: RecordedRequest = { at: Date.now(), method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, headers: req.headers, body };
    this.requests.push(recorded);
    if (this.route(recorded, res)) return;
    if (this.capacity.capacity !== undefined && this.inFlight >= this.capacity.capacity) {
      // over capacity: held without an answer until the client gives up
      this.figures.stalled++;
      this.hanging.add(res);
      return;
    }
    const r = this.nextReply(recorded);
    if (r.kind === 'refuse') return void req.socket.destroy();
    if (r.kind === 'hang') return void this.hanging.add(res);
    await this.serve(recorded, res, r);
  }

  private async serve(recorded: RecordedRequest, res: ServerResponse, r: StandinReply): Promise<void> {
    this.inFlight++;
    this.figures.maxInFlight = Math.max(this.figures.maxInFlight, this.inFlight);
    const started = Date.now();
    this.figures.firstStartAt ??= started;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
    res.once('close', release);
    if (this.capacity.serviceMs) await new Promise((resolve) => setTimeout(resolve, this.capacity.serviceMs));
    if (res.destroyed) return release();
    this.answer(recorded, res, r, (model, u) => {
      const b = this.billedByModel.get(model) ?? { input: 0, cachedInput: 0, output: 0 };
      b.input += u.input;
      b.cachedInput += u.cachedInput;
      b.output += u.output;
      this.billedByModel.set(model, b);
    });
    if (r.kind === 'hang' || r.kind === 'hang-mid-stream') return;
    const ended = Date.now();
    this.figures.served++;
    this.figures.busyMs += ended - started;
    this.figures.lastEndAt = ended;
    release();
  }
}

/**
 * A responder that answers each task from its own script, by the task id the built-in llm
 * agent puts first in its prompt ("Task 'build': ..."); a task with no reply left gets a 500.
 */
export function byTask(scripts: Record<string, StandinReply[]>): (req: RecordedRequest) => StandinReply {
  return (req) => {
    const messages = Array.isArray(req.body.messages) ? (req.body.messages as { role?: string; content?: unknown }[]) : [];
    const first = messages.find((m) => m.role === 'user');
    const id = /^Task '([^']+)'/.exec(typeof first?.content === 'string' ? first.content : '')?.[1];
    const next = id ? scripts[id]?.shift() : undefined;
    return next ?? { kind: 'error', status: 500, message: `stand-in: no reply left for task ${id ?? '?'}` };
  };
}
