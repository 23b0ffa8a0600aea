// Start, replace, stop and inspect fleet-hostd on a host. Starting goes through the release's
// launcher (a LaunchRequest on its stdin: secrets travel there and end up in the daemon's
// environment, never on a command line or in a file); stopping and inspecting use a small sh
// script built from the host contract's names (pid file, start record, the hostd pattern).
import { posix } from 'node:path';
import {
  ACTIVE_LOCK, DAEMON_ENV, HOME_DIR_NAME, HOSTD_ARG_PATTERN, PID_FILE, START_RECORD, parseLaunchOutcome, parseStartRecord, type LaunchRequest,
  type StartRecord,
} from '@agentfleet/host-contract';
import { SshError } from './errors.js';
import type { SshSession } from './session.js';
import { shellCommand, shScript } from './shell-quote.js';

export interface StartDaemonOptions {
  /** Absolute path of node on the host (from probeHost). */
  nodePath: string;
  /** Absolute path of the release (from deployBundle): holds launcher.js and hostd.js. */
  releaseDir: string;
  /** The daemon's environment on top of the login environment: REDIS_URL, forwarded secrets, AGENTFLEET_HOST ... */
  env: Record<string, string>;
  /** Arguments for hostd.js. */
  args: string[];
  /** How long the launcher watches the new daemon before saying it started (it reports an early exit). Default 500 ms. */
  graceMs?: number;
  /** A running daemon drains (its running tasks finish) and the new one takes over after it (fleet up --restart). */
  replace?: boolean;
}

export interface DaemonHomeOptions {
  /** AGENTFLEET_HOME on the host. Default: env.AGENTFLEET_HOME, else ~/.agentfleet. */
  home?: string;
}

export interface StartDaemonResult {
  /** False: a daemon was running and is left alone. */
  started: boolean;
  pid: number;
  /** The draining daemon the new one takes over from (replace). */
  replaces?: number;
}

function describeFailure(r: { code: number; stdout: string; stderr: string }): string {
  return (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-8).join('\n');
}

/** The environment the launcher receives (and fingerprints): the options' env with the home. */
export function launchEnvironment(opts: Pick<StartDaemonOptions, 'env'> & DaemonHomeOptions): Record<string, string> {
  return { ...opts.env, ...(opts.home ? { [DAEMON_ENV.home]: opts.home } : {}) };
}

/** Starts hostd detached from the session; a running daemon is left alone, or replaced with `replace`. */
export async function startDaemon(s: SshSession, opts: StartDaemonOptions & DaemonHomeOptions): Promise<StartDaemonResult> {
  if (!posix.isAbsolute(opts.nodePath)) throw new SshError(s.host.name, `node path '${opts.nodePath}' on ${s.host.name} is not absolute`);
  const request: LaunchRequest = { env: launchEnvironment(opts), args: opts.args, releaseDir: opts.releaseDir, nodePath: opts.nodePath, graceMs: opts.graceMs ?? 500, ...(opts.replace ? { replace: true } : {}) };
  const r = await s.exec(shellCommand([opts.nodePath, posix.join(opts.releaseDir, 'launcher.js')]), { stdin: JSON.stringify(request), timeoutMs: 60_000 });
  const outcome = r.code === 0 ? parseLaunchOutcome(r.stdout) : undefined;
  if (!outcome) throw new SshError(s.host.name, `fleet-hostd did not start on ${s.host.name} (exit ${r.code}): ${describeFailure(r)}`, { code: r.code });
  if (outcome.kind === 'replacing') return { started: true, pid: outcome.pid, replaces: outcome.replaces };
  return { started: outcome.kind === 'started', pid: outcome.pid };
}

// $1 home ('' = ~/.agentfleet), $2 timeout in tenths of a second, $3 '1' to SIGKILL after it, $4 'stop', 'status' or 'info'.
const DAEMON_CTL = String.raw`
home=$1; [ -n "$home" ] || home=$HOME/${HOME_DIR_NAME}
pidfile=$home/${PID_FILE}
alive() { [ -r "/proc/$1/cmdline" ] && tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -q '${HOSTD_ARG_PATTERN}'; }
pid=$(head -n 1 "$pidfile" 2>/dev/null | tr -cd 0-9)
if [ -z "$pid" ] || ! alive "$pid"; then echo "not running"; exit 0; fi
if [ "$4" = status ]; then echo "running $pid"; exit 0; fi
if [ "$4" = info ]; then
  echo "running $pid"
  tr '\0' '\n' <"/proc/$pid/cmdline" | grep '${HOSTD_ARG_PATTERN}' | head -n 1 | sed 's/^/script /'
  if [ -r "$home/${START_RECORD}" ]; then printf 'record '; head -n 1 "$home/${START_RECORD}"; fi
  exit 0
fi
# A daemon still draining after a restart holds the active lock: it is stopped with the newest one.
others=
a=$(sed -n 's/.*"pid":\([0-9][0-9]*\).*/\1/p' "$home/${ACTIVE_LOCK}" 2>/dev/null | head -n 1)
if [ -n "$a" ] && [ "$a" != "$pid" ] && alive "$a"; then others=$a; fi
anyalive() { for p in "$pid" $others; do alive "$p" && return 0; done; return 1; }
kill -TERM "$pid" $others 2>/dev/null
i=0
while anyalive && [ "$i" -lt "$2" ]; do sleep 0.1; i=$((i + 1)); done
if anyalive; then
  if [ "$3" != 1 ]; then echo "still running $pid"; exit 0; fi
  kill -KILL "$pid" $others 2>/dev/null
  while anyalive; do sleep 0.1; done
  how=killed
else
  how=stopped
fi
[ "$(head -n 1 "$pidfile" 2>/dev/null | tr -cd 0-9)" = "$pid" ] && rm -f "$pidfile"
echo "$how $pid"
`;

export interface StopDaemonOptions extends DaemonHomeOptions {
  /** How long hostd may drain after SIGTERM. Default 60 s. */
  timeoutMs?: number;
  /** SIGKILL when the timeout passes (default true); false leaves it draining. */
  kill?: boolean;
}

export interface StopResult {
  /** True when a daemon was running and is gone now. */
  stopped: boolean;
  pid?: number;
  /** How it ended: 'stopped' (SIGTERM), 'killed' (SIGKILL after the timeout), 'draining' (kill: false and still running), 'not-running'. */
  how: 'stopped' | 'killed' | 'draining' | 'not-running';
}

/** SIGTERM to the pid in the pid file (hostd drains, then exits); waits; SIGKILL after timeoutMs. */
export async function stopDaemon(s: SshSession, opts: StopDaemonOptions = {}): Promise<StopResult> {
  const tenths = Math.max(1, Math.ceil((opts.timeoutMs ?? 60_000) / 100));
  const r = await s.exec(shScript(DAEMON_CTL, [opts.home ?? '', String(tenths), opts.kill === false ? '0' : '1', 'stop']), { timeoutMs: (opts.timeoutMs ?? 60_000) + 30_000 });
  const m = /^(stopped|killed|still running|not running) ?(\d*)\s*$/m.exec(r.stdout);
  if (r.code !== 0 || !m) throw new SshError(s.host.name, `stopping fleet-hostd on ${s.host.name} failed (exit ${r.code}): ${describeFailure(r)}`);
  const pid = m[2] ? Number(m[2]) : undefined;
  const how = m[1] === 'still running' ? 'draining' : m[1] === 'not running' ? 'not-running' : (m[1] as 'stopped' | 'killed');
  return { stopped: how === 'stopped' || how === 'killed', how, ...(pid !== undefined ? { pid } : {}) };
}

async function daemonCtl(s: SshSession, mode: 'status' | 'info', opts: DaemonHomeOptions): Promise<string> {
  const r = await s.exec(shScript(DAEMON_CTL, [opts.home ?? '', '0', '0', mode]), { timeoutMs: 30_000 });
  if (r.code !== 0) throw new SshError(s.host.name, `checking fleet-hostd on ${s.host.name} failed (exit ${r.code}): ${describeFailure(r)}`);
  return r.stdout;
}

/** Whether hostd runs on the host (pid file + live process whose command line names hostd). */
export async function daemonStatus(s: SshSession, opts: DaemonHomeOptions = {}): Promise<{ running: boolean; pid?: number }> {
  const m = /^running (\d+)\s*$/m.exec(await daemonCtl(s, 'status', opts));
  return m ? { running: true, pid: Number(m[1]) } : { running: false };
}

export interface DaemonInfo {
  running: boolean;
  pid?: number;
  /** The release the running daemon was started from (the directory of its hostd.js). */
  releaseDir?: string;
  /** What it was started with, when its start record names it. */
  record?: StartRecord;
}

/** The running daemon with its release (from its command line) and its start record. */
export async function daemonInfo(s: SshSession, opts: DaemonHomeOptions = {}): Promise<DaemonInfo> {
  const out = await daemonCtl(s, 'info', opts);
  const m = /^running (\d+)\s*$/m.exec(out);
  if (!m) return { running: false };
  const pid = Number(m[1]);
  const script = /^script (.+)$/m.exec(out)?.[1];
  const record = parseStartRecord(/^record (.+)$/m.exec(out)?.[1] ?? '');
  return { running: true, pid, ...(script ? { releaseDir: posix.dirname(script) } : {}), ...(record && record.pid === pid ? { record } : {}) };
}
