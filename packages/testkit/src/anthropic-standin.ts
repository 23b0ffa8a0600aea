// A local stand-in for the Anthropic Messages API (what Claude Code talks to through
// ANTHROPIC_BASE_URL): scripted replies in order, streamed as SSE (message_start,
// content_block_*, message_delta, message_stop) or whole; text and tool use; 429s with
// retry-after; a subscription usage limit as the API reports it (the unified rate-limit
// headers, rejected, with their reset), which Claude Code turns into its rate_limit_event.
import type { ServerResponse } from 'node:http';
import { argsText, nextId, splitText, StandinServer, usageOf, type BilledUsage, type CapacityOptions, type RecordedRequest, type StandinReply } from './standin-base.js';

type Reply = Extract<StandinReply, { kind: 'reply' }>;

export class AnthropicStandin extends StandinServer {
  /** What ANTHROPIC_BASE_URL takes (the client appends /v1/messages). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected route(req: RecordedRequest, res: ServerResponse): boolean {
    if (req.method === 'HEAD' || (req.method === 'GET' && req.path === '/')) {
      res.writeHead(200).end();
      return true;
    }
    if (req.method === 'GET' && req.path === '/v1/models') {
      const data = this.models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-01-01T00:00:00Z' }));
      this.json(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
      return true;
    }
    if (req.method === 'POST' && req.path === '/v1/messages/count_tokens') {
      this.json(res, 200, { input_tokens: JSON.stringify(req.body.messages ?? '').length >> 2 });
      return true;
    }
    if (req.method !== 'POST' || req.path !== '/v1/messages') {
      this.json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `stand-in: no route ${req.method} ${req.path}` } });
      return true;
    }
    return false;
  }

  protected answer(req: RecordedRequest, res: ServerResponse, r: StandinReply, bill: (model: string, u: BilledUsage) => void): void {
    const model = typeof req.body.model === 'string' ? req.body.model : 'standin';
    switch (r.kind) {
      case 'error': {
        const type = r.status === 429 ? 'rate_limit_error' : r.status === 529 ? 'overloaded_error' : r.status >= 500 ? 'api_error' : 'invalid_request_error';
        return this.json(res, r.status, { type: 'error', error: { type, message: r.message ?? `stand-in error ${r.status}` } }, r.headers);
      }
      case 'usage-limit':
        return this.json(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'usage limit reached' } }, {
          'anthropic-ratelimit-unified-status': 'rejected',
          'anthropic-ratelimit-unified-reset': String(Math.floor(r.resetsAt / 1000)),
          'anthropic-ratelimit-unified-representative-claim': 'five_hour',
        });
      case 'hang-mid-stream':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        this.event(res, 'message_start', { message: this.message(model, { kind: 'reply' }, []) });
        this.event(res, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
        this.event(res, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text: r.content } });
        this.hanging.add(res);
        return;
      case 'reply': {
        const u = usageOf(r);
        bill(model, { input: u.prompt, cachedInput: u.cached ?? 0, output: u.completion });
        if (req.body.stream) return this.stream(res, model, r);
        return this.json(res, 200, this.message(model, r, this.blocks(r), true));
      }
    }
  }

  private blocks(r: Reply): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    if (r.content) out.push({ type: 'text', text: r.content });
    for (const c of r.toolCalls ?? []) out.push({ type: 'tool_use', id: c.id ?? nextId('toolu'), name: c.name, input: JSON.parse(argsText(c)) as unknown });
    return out;
  }

  /** A message object; usage whole (done) or as message_start reports it (output so far: 1). */
  private message(model: string, r: Partial<Reply>, content: Record<string, unknown>[], done = false, id = nextId('msg')) {
    const u = usageOf(r);
    const cached = u.cached ?? 0;
    return {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: done ? (r.toolCalls?.length ? 'tool_use' : 'end_turn') : null,
      stop_sequence: null,
      usage: { input_tokens: u.prompt - cached, cache_read_input_tokens: cached, cache_creation_input_tokens: 0, output_tokens: done ? u.completion : 1 },
    };
  }

  private event(res: ServerResponse, type: string, data: Record<string, unknown>): void {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  }

  private stream(res: ServerResponse, model: string, r: Reply): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    this.event(res, 'message_start', { message: this.message(model, r, []) });
    this.blocks(r).forEach((block, index) => {
      if (block.type === 'text') {
        this.event(res, 'content_block_start', { index, content_block: { type: 'text', text: '' } });
        for (const text of splitText(block.text as string, 7)) this.event(res, 'content_block_delta', { index, delta: { type: 'text_delta', text } });
      } else {
        this.event(res, 'content_block_start', { index, content_block: { ...block, input: {} } });
        for (const partial_json of splitText(JSON.stringify(block.input), 11)) this.event(res, 'content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
      }
      this.event(res, 'content_block_stop', { index });
    });
    this.event(res, 'message_delta', { delta: { stop_reason: r.toolCalls?.length ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: usageOf(r).completion } });
    this.event(res, 'message_stop', {});
    res.end();
  }
}

export async function startAnthropicStandin(opts: { port?: number; models?: string[] } & CapacityOptions = {}): Promise<AnthropicStandin> {
  return new AnthropicStandin(opts.models, { capacity: opts.capacity, serviceMs: opts.serviceMs }).start(opts.port ?? 0);
}
