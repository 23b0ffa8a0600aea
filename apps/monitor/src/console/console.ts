// The web console served by `fleet monitor` at `/`: runs, a run's DAG with live statuses, task
// pages with the live transcript and diff, hosts and paused providers, evals with their
// variants, chart and cases; actions with a token.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InputError } from '@agentfleet/core';
import type { FleetStore } from '@agentfleet/store';
import type { Logger } from '@agentfleet/telemetry';
import { CONSOLE_ACTIONS } from './actions.js';
import { ConsoleAuth } from './auth.js';
import { checkRunId, renderEval, renderEvals, renderHosts, renderRun, renderRuns, renderTask, type PageDeps } from './console-pages.js';
import { LayoutCache } from './dag-layout.js';
import { DiffCache } from './diff-cache.js';
import { esc, page } from './html.js';
import { readForm, redirect, sendHtml, sendJson, sendText } from './http.js';
import { RunWatch } from './run-watch.js';
import { SseClient } from './sse.js';
import { TranscriptHtml } from './transcript-html.js';
import { TranscriptWatch } from './transcript-watch.js';

export interface ConsoleOptions {
  store: FleetStore;
  /** the monitor's agentfleet home (mirrors for result diffs) */
  home: string;
  /** the token actions need (monitor.tokenEnv's value); none: read-only */
  token?: string;
}

const ASSETS: Record<string, string> = { 'console.js': 'text/javascript; charset=utf-8', 'console.css': 'text/css; charset=utf-8' };

export class Console {
  readonly auth: ConsoleAuth;
  private readonly deps: PageDeps;
  private readonly runs: RunWatch;
  private readonly transcripts: TranscriptWatch;
  private readonly assets = new Map<string, string>();

  constructor(
    private readonly opts: ConsoleOptions,
    private readonly logger: Logger,
  ) {
    this.auth = new ConsoleAuth(opts.token);
    this.deps = { store: opts.store, layouts: new LayoutCache(), diffs: new DiffCache(opts.store, opts.home) };
    this.runs = new RunWatch(opts.store, logger);
    this.transcripts = new TranscriptWatch(opts.store, logger);
    this.warmer = setInterval(() => void this.warmLayouts().catch(() => undefined), 10_000);
    this.warmer.unref();
  }

  private readonly warmer: NodeJS.Timeout;

  /** Lays out the active runs not laid out yet, so that their first view need not wait for it. */
  private async warmLayouts(): Promise<void> {
    for (const run of await this.opts.store.read.list({ active: true })) {
      if (!this.deps.layouts.has(run.id)) this.deps.layouts.get(run.id, await this.opts.store.read.graph(run.id));
    }
  }

  /** Handles the request when it is the console's; false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://console');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    try {
      if (method === 'POST' && parts[0] === 'actions' && parts.length === 2) {
        await this.action(req, res, parts[1]!);
        return true;
      }
      if (method !== 'GET' && method !== 'HEAD') return false;
      return await this.get(req, res, parts, url);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      sendHtml(res, 400, page({ title: 'bad request', csrf: null }, `<h1>Bad request</h1><p>${esc(e.message)}</p>`));
      return true;
    }
  }

  private async get(req: IncomingMessage, res: ServerResponse, parts: string[], url: URL): Promise<boolean> {
    const csrf = this.auth.session(req)?.csrf ?? null;
    const [a, b, c, d, e] = parts;
    if (parts.length === 0) return this.html(res, await renderRuns(this.deps, csrf));
    if (a === 'assets' && b && ASSETS[b] && parts.length === 2) return this.asset(res, b);
    if (a === 'hosts' && parts.length === 1) return this.html(res, await renderHosts(this.deps, csrf));
    if (a === 'login' && parts.length === 1) return this.login(res, url.searchParams.get('token'));
    if (a === 'evals' && parts.length <= 2) return this.html(res, b ? await renderEval(this.deps, b, csrf) : await renderEvals(this.deps, csrf));
    if (a !== 'runs' || !b) return false;
    if (parts.length === 2) return this.html(res, await renderRun(this.deps, b, csrf));
    if (c === 'live' && parts.length === 3) return this.liveRun(res, b);
    if (c !== 'tasks' || !d) return false;
    if (parts.length === 4) {
      const html = await renderTask(this.deps, b, d, url.searchParams.get('attempt'), csrf);
      if (html) return this.html(res, html);
      sendHtml(res, 404, page({ title: 'no such task', csrf }, `<h1>No task ${esc(d)} in run ${esc(b)}</h1>`));
      return true;
    }
    if (e === 'live' && parts.length === 5) return this.liveTask(res, b, d, url);
    return false;
  }

  private html(res: ServerResponse, html: string): boolean {
    sendHtml(res, 200, html);
    return true;
  }

  private asset(res: ServerResponse, name: string): boolean {
    let text = this.assets.get(name);
    if (text === undefined) {
      text = readFileSync(new URL(`../../assets/${name}`, import.meta.url), 'utf8');
      this.assets.set(name, text);
    }
    sendText(res, 200, text, ASSETS[name], { 'cache-control': 'max-age=300' });
    return true;
  }

  private login(res: ServerResponse, token: string | null): boolean {
    const session = this.auth.login(token);
    if (!session) {
      this.logger.warn('console: login refused (wrong or no token)');
      sendHtml(res, 403, page({ title: 'login refused', csrf: null }, '<h1>Login refused</h1><p>The token is wrong, or the console has none (monitor.tokenEnv).</p>'));
      return true;
    }
    this.logger.info('console: a browser signed in');
    redirect(res, '/', { 'set-cookie': this.auth.cookie(session) });
    return true;
  }

  private async liveRun(res: ServerResponse, runId: string): Promise<boolean> {
    const run = await this.opts.store.read.get(checkRunId(runId));
    const tasks = await this.opts.store.read.graph(runId);
    this.runs.add(new SseClient(res, () => undefined), runId, tasks, run.schedule);
    return true;
  }

  private liveTask(res: ServerResponse, runId: string, taskId: string, url: URL): boolean {
    const attempt = Number(url.searchParams.get('attempt'));
    if (!Number.isInteger(attempt) || attempt < 1) throw new InputError('attempt must be a whole number from 1');
    const client = new SseClient(res, () => undefined);
    // each entry goes out as the same HTML line the page was rendered with
    const html = new TranscriptHtml();
    const send = client.send.bind(client);
    client.send = (event, data, id) => send(event, event === 'entries' ? (data as Parameters<TranscriptHtml['line']>[0][]).map((e) => html.line(e)) : data, id);
    this.transcripts.add(client, { runId: checkRunId(runId), taskId, attempt }, url.searchParams.get('after') || '0');
    return true;
  }

  private async action(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const form = await readForm(req);
    const action = CONSOLE_ACTIONS[name];
    const refused = action ? this.auth.refusal(req, form.get('csrf')) : `no action '${name}'`;
    const fields = Object.fromEntries((action?.fields ?? []).map((f) => [f, form.get(f)]));
    if (refused) {
      this.logger.warn({ action: name, ...fields, why: refused, from: req.socket.remoteAddress }, 'console action refused');
      return sendJson(res, action ? 403 : 404, { error: refused });
    }
    try {
      const message = await action!.run(this.opts.store, form);
      this.logger.info({ action: name, ...fields, from: req.socket.remoteAddress, result: message }, 'console action');
      if ((req.headers.accept ?? '').includes('application/json')) return sendJson(res, 200, { ok: true, message });
      redirect(res, safeBack(req.headers.referer, req.headers.host) ?? '/');
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      this.logger.warn({ action: name, ...fields, err: e.message }, 'console action failed');
      sendJson(res, 400, { error: e.message });
    }
  }

  close(): void {
    clearInterval(this.warmer);
    this.runs.close();
    this.transcripts.close();
  }
}

/** Back to the page the action came from, when that page is ours. */
function safeBack(referer: string | undefined, host: string | undefined): string | undefined {
  if (!referer || !host) return undefined;
  try {
    const u = new URL(referer);
    return u.host === host ? `${u.pathname}${u.search}` : undefined;
  } catch {
    return undefined;
  }
}
