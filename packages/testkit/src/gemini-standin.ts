// A local stand-in for the Gemini API (what Gemini CLI talks to through GOOGLE_GEMINI_BASE_URL):
// scripted replies in order, as streamGenerateContent server-sent events or generateContent
// whole; text and function calls; 429s (RESOURCE_EXHAUSTED with a RetryInfo delay).
import type { ServerResponse } from 'node:http';
import { argsText, StandinServer, usageOf, type BilledUsage, type CapacityOptions, type RecordedRequest, type StandinReply } from './standin-base.js';

type Reply = Extract<StandinReply, { kind: 'reply' }>;

const MODEL_CALL = /^\/v1beta\/models\/([^/:]+):(streamGenerateContent|generateContent)$/;

export class GeminiStandin extends StandinServer {
  /** What GOOGLE_GEMINI_BASE_URL takes (the SDK appends /v1beta/models/...). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected route(req: RecordedRequest, res: ServerResponse): boolean {
    if (req.method === 'GET' && req.path === '/v1beta/models') {
      this.json(res, 200, { models: this.models.map((id) => ({ name: `models/${id}`, displayName: id, supportedGenerationMethods: ['generateContent', 'countTokens'] })) });
      return true;
    }
    if (req.method === 'POST' && /:countTokens$/.test(req.path)) {
      this.json(res, 200, { totalTokens: JSON.stringify(req.body.contents ?? '').length >> 2 });
      return true;
    }
    if (req.method !== 'POST' || !MODEL_CALL.test(req.path)) {
      this.json(res, 404, { error: { code: 404, message: `stand-in: no route ${req.method} ${req.path}`, status: 'NOT_FOUND' } });
      return true;
    }
    return false;
  }

  protected answer(req: RecordedRequest, res: ServerResponse, r: StandinReply, bill: (model: string, u: BilledUsage) => void): void {
    const [, model = 'standin', method] = MODEL_CALL.exec(req.path) ?? [];
    switch (r.kind) {
      case 'hang-mid-stream':
        this.hanging.add(res);
        return;
      case 'error': {
        const retry = r.headers?.['retry-after'];
        const details = r.status === 429 && retry ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retry}s` }] : [];
        const status = r.status === 429 ? 'RESOURCE_EXHAUSTED' : r.status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
        return this.json(res, r.status, { error: { code: r.status, message: r.message ?? `stand-in error ${r.status}`, status, details } }, r.headers);
      }
      case 'usage-limit':
        return this.json(res, 429, { error: { code: 429, message: 'Quota exceeded for quota metric requests per day', status: 'RESOURCE_EXHAUSTED', details: [] } });
      case 'reply': {
        const u = usageOf(r);
        bill(model, { input: u.prompt, cachedInput: u.cached ?? 0, output: u.completion });
        const chunk = this.response(model, r);
        if (method === 'generateContent') return this.json(res, 200, chunk);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
      }
    }
  }

  private response(model: string, r: Reply) {
    const u = usageOf(r);
    const parts: Record<string, unknown>[] = [];
    if (r.content) parts.push({ text: r.content });
    for (const c of r.toolCalls ?? []) parts.push({ functionCall: { name: c.name, args: JSON.parse(argsText(c)) as unknown } });
    return {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: u.prompt, candidatesTokenCount: u.completion, totalTokenCount: u.prompt + u.completion, cachedContentTokenCount: u.cached ?? 0 },
      modelVersion: model,
    };
  }
}

export async function startGeminiStandin(opts: { port?: number; models?: string[] } & CapacityOptions = {}): Promise<GeminiStandin> {
  return new GeminiStandin(opts.models, { capacity: opts.capacity, serviceMs: opts.serviceMs }).start(opts.port ?? 0);
}
