// The start record (<home>/hostd.json): what the daemon named in the pid file was started
// with: its release, its node, and a fingerprint of the environment the CLI passed: each
// variable's name with a salted hash of its value, never the value. `fleet up` and the local
// fleet compare it with what they would pass now, and say which variables differ.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { CLI_ONLY, DAEMON_ENV } from './env-names.js';

export interface EnvFingerprint {
  salt: string;
  /** name -> salted hash of the value */
  hashes: Record<string, string>;
}

export interface StartRecord {
  pid: number;
  startedAt: string;
  releaseDir: string;
  nodePath: string;
  env: EnvFingerprint;
}

export interface EnvChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/**
 * Variables of the terminal session, not of the work (they change with every login or
 * window), and what the launcher sets itself: left out of the fingerprint.
 */
const SESSION_NAMES = new Set([
  '_', 'PWD', 'OLDPWD', 'SHLVL', 'TERM', 'COLORTERM', 'COLUMNS', 'LINES', 'PS1', 'PS2', 'PS4', 'PROMPT_COMMAND',
  'SSH_CLIENT', 'SSH_CONNECTION', 'SSH_TTY', 'SSH_AUTH_SOCK', 'SSH_AGENT_PID', 'DISPLAY', 'WINDOWID', 'WINDOW', 'STY',
  'TMUX', 'TMUX_PANE', 'GPG_TTY', 'INIT_CWD', 'INVOCATION_ID', 'JOURNAL_STREAM', 'MANAGERPID', 'MAIL',
  'WT_SESSION', 'WT_PROFILE_ID', 'INSIDE_EMACS', 'TERMINAL_EMULATOR', 'SECURITYSESSIONID', 'LaunchInstanceID',
  DAEMON_ENV.version, DAEMON_ENV.releaseDir, DAEMON_ENV.replaces, ...CLI_ONLY,
]);
const SESSION_PREFIXES = ['TERM_', 'HIST', 'LS_COLORS', 'XDG_SESSION_', 'XDG_VTNR', 'VSCODE_', 'ITERM_', 'KITTY_', 'KONSOLE_', 'GNOME_TERMINAL_', 'npm_', '__CF', '__CFBundle'];

export function fingerprinted(name: string): boolean {
  return !SESSION_NAMES.has(name) && !SESSION_PREFIXES.some((p) => name.startsWith(p));
}

const hashOf = (salt: string, name: string, value: string) => createHash('sha256').update(`${salt}\0${name}\0${value}`).digest('hex').slice(0, 24);

export function fingerprintEnv(env: Record<string, string | undefined>, salt = randomBytes(12).toString('hex')): EnvFingerprint {
  const hashes: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value !== undefined && fingerprinted(name)) hashes[name] = hashOf(salt, name, value);
  }
  return { salt, hashes };
}

/** What differs between the recorded fingerprint and `env` (hashed with the recorded salt). */
export function envChanges(recorded: EnvFingerprint, env: Record<string, string | undefined>): EnvChanges {
  const now = fingerprintEnv(env, recorded.salt).hashes;
  const names = new Set([...Object.keys(now), ...Object.keys(recorded.hashes)]);
  const out: EnvChanges = { added: [], removed: [], changed: [] };
  for (const n of [...names].sort()) {
    if (!(n in recorded.hashes)) out.added.push(n);
    else if (!(n in now)) out.removed.push(n);
    else if (now[n] !== recorded.hashes[n]) out.changed.push(n);
  }
  return out;
}

export function hasEnvChanges(c: EnvChanges): boolean {
  return c.added.length + c.removed.length + c.changed.length > 0;
}

/** "MY_TOKEN changed, LOG_LEVEL set, OLD_VAR unset" */
export function describeEnvChanges(c: EnvChanges): string {
  return [...c.changed.map((n) => `${n} changed`), ...c.added.map((n) => `${n} set`), ...c.removed.map((n) => `${n} unset`)].join(', ');
}

export function parseStartRecord(text: string): StartRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<StartRecord>;
    if (typeof r.pid !== 'number' || typeof r.env?.salt !== 'string' || typeof r.env.hashes !== 'object' || r.env.hashes === null) return undefined;
    return { pid: r.pid, startedAt: String(r.startedAt ?? ''), releaseDir: String(r.releaseDir ?? ''), nodePath: String(r.nodePath ?? ''), env: r.env };
  } catch {
    return undefined;
  }
}

export function readStartRecord(file: string): StartRecord | undefined {
  try {
    return parseStartRecord(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** One line of JSON, written whole (temporary file, then rename). */
export function writeStartRecord(file: string, record: StartRecord): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
