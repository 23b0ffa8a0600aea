// The console's pages are plain HTML rendered on the server; these build them.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML (element content and attribute values alike). */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export interface PageOptions {
  title: string;
  /** what the page's script follows live (an SSE URL), if anything */
  live?: string;
  /** the CSRF token of a signed-in session (forms carry it), or null: read-only */
  csrf: string | null;
  /** extra attributes of <body> */
  data?: Record<string, string>;
}

/** A whole page: navigation, the body, the console's stylesheet and script (served by the monitor itself). */
export function page(opts: PageOptions, body: string): string {
  const data = Object.entries({ ...(opts.live ? { live: opts.live } : {}), ...(opts.data ?? {}) })
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
  const who = opts.csrf ? '<span class="who">signed in: actions allowed</span>' : '<span class="who">read-only (sign in with the login URL fleet monitor printed)</span>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)} · agentfleet</title><link rel="stylesheet" href="/assets/console.css"></head>
<body${data}><header><a class="brand" href="/">agentfleet</a><nav><a href="/">runs</a><a href="/hosts">hosts</a><a href="/evals">evals</a><a href="/metrics">metrics</a><a href="/queues">queues</a></nav>${who}</header>
<main>${body}</main><script src="/assets/console.js" defer></script></body></html>`;
}

/** A small form that POSTs one action (with the CSRF token); hidden when the session cannot act. */
export function actionForm(action: string, label: string, fields: Record<string, string>, csrf: string | null, extra = ''): string {
  const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  return `<form class="action" method="post" action="/actions/${esc(action)}">${inputs}<input type="hidden" name="csrf" value="${esc(csrf ?? '')}">${extra}<button type="submit" data-action="${esc(action)}"${csrf ? '' : ' disabled title="read-only: sign in to act"'}>${esc(label)}</button></form>`;
}

export function usd(n: number): string {
  return n > 0 ? `$${n.toFixed(n < 0.01 ? 4 : 2)}` : '-';
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d`;
}
