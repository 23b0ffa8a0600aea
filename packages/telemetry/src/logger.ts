import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, at any depth we know of. */
export const REDACTED_KEYS = ['apiKey', 'api_key', 'password', 'token', 'authorization', 'secret', 'accessToken', 'refreshToken'];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const k of [...REDACTED_KEYS, 'Authorization']) {
    paths.push(k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `*.headers.${k}`);
  }
  return paths;
}

export interface LoggerOptions {
  name: string;
  /** Defaults to $LOG_LEVEL, then 'info'. */
  level?: string;
  /** Secret values (not names): replaced by [REDACTED] wherever they occur in a line. */
  secretValues?: string[];
  /** pretty in a TTY unless told; JSON otherwise. */
  pretty?: boolean;
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}

/** Values of the named environment variables that are long enough to be worth hiding. */
export function secretValuesFromEnv(names: Iterable<string>, env: NodeJS.ProcessEnv = process.env): string[] {
  const values: string[] = [];
  for (const n of names) {
    const v = env[n];
    if (v && v.length >= 4) values.push(v);
  }
  return values;
}

/** Replaces every occurrence of any secret value in a string (longest first). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

export function createLogger(opts: LoggerOptions): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  const secrets = [...new Set(opts.secretValues ?? [])].sort((a, b) => b.length - a.length);
  const pretty = opts.pretty ?? (opts.destination === undefined && process.stdout.isTTY === true);
  const options: pino.LoggerOptions = {
    name: opts.name,
    level,
    base: { pid: process.pid, ...(opts.base ?? {}) },
    redact: { paths: redactPaths(), censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (secrets.length) options.hooks = { streamWrite: (line: string) => scrubSecrets(line, secrets) };
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } });
  }
  return pino(options, opts.destination ?? pino.destination({ dest: 2, sync: true }));
}
