// Who may act on the fleet from the console: whoever holds the token (monitor.tokenEnv names
// the variable). `fleet monitor` prints a login URL once; it sets a session cookie (HttpOnly,
// SameSite=Strict) and every action form carries the session's CSRF token, checked with the
// request's Origin. Without a token configured the console is read-only.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { cookies } from './http.js';

const COOKIE = 'af_session';
const SESSION_MS = 12 * 3600_000;

export interface Session {
  id: string;
  csrf: string;
  expires: number;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ConsoleAuth {
  private readonly sessions = new Map<string, Session>();
  private readonly secret = randomBytes(32);

  /** `token`: the console's token, or undefined (read-only console). */
  constructor(private readonly token: string | undefined) {}

  get enabled(): boolean {
    return this.token !== undefined;
  }

  /** The path that signs a browser in (printed once by fleet monitor). */
  loginPath(): string | undefined {
    return this.token ? `/login?token=${encodeURIComponent(this.token)}` : undefined;
  }

  /** A new session for a correct token, or null. */
  login(token: string | null): Session | null {
    if (!this.token || !token || !same(token, this.token)) return null;
    const id = randomBytes(24).toString('base64url');
    const session = { id, csrf: createHmac('sha256', this.secret).update(id).digest('base64url'), expires: Date.now() + SESSION_MS };
    this.sessions.set(id, session);
    return session;
  }

  cookie(session: Session): string {
    return `${COOKIE}=${session.id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`;
  }

  /** The request's live session, if it has one. */
  session(req: IncomingMessage): Session | null {
    const id = cookies(req)[COOKIE];
    const s = id ? this.sessions.get(id) : undefined;
    if (!s) return null;
    if (s.expires < Date.now()) {
      this.sessions.delete(s.id);
      return null;
    }
    return s;
  }

  /**
   * Why a state-changing request is refused, or null when it may go on: it needs a session,
   * the session's CSRF token in its form, and (when the browser sends one) our own Origin.
   */
  refusal(req: IncomingMessage, csrf: string | null): string | null {
    if (!this.enabled) return 'actions need a token: set monitor.tokenEnv in fleet.yaml and restart fleet monitor';
    const s = this.session(req);
    if (!s) return 'not signed in: open the login URL fleet monitor printed';
    if (!csrf || !same(csrf, s.csrf)) return 'the form is stale or not from this console (CSRF token mismatch)';
    const origin = req.headers.origin;
    if (origin && origin !== 'null' && new URL(origin).host !== req.headers.host) return `cross-origin request from ${origin} refused`;
    return null;
  }
}
