// Whether this host can sandbox: bwrap is there and can create every namespace a task's
// sandbox uses (the network one included). The host daemon asks at start (its heartbeat says
// so, and it refuses sandboxed tasks when the answer is no); `fleet doctor` asks every host.
import { execFile } from 'node:child_process';
import { namespaceArgs } from './bwrap.js';
import { SANDBOX_UID } from './policy.js';

export interface SandboxProbe {
  ok: boolean;
  /** `bubblewrap 0.8.0` */
  version?: string;
  /** why not, for people: what is missing and what to do */
  reason?: string;
}

export const BWRAP_MISSING = 'bubblewrap (bwrap) is not installed: apt-get install bubblewrap';

/** A word for sh: bwrap's path as given (quoted when it needs to be). */
const shWord = (s: string) => (/^[A-Za-z0-9_./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The command that tries a sandbox as strict as any task's, with `bwrap` (a name on PATH or a
 * path), as whoever runs it (root's tasks get an unprivileged uid, as on a host): run with
 * `sh -c` locally or over SSH.
 */
export function probeScript(bwrap = 'bwrap'): string {
  const b = shWord(bwrap);
  const asRoot = `$([ "$(id -u)" = 0 ] && echo --uid ${SANDBOX_UID} --gid ${SANDBOX_UID})`;
  const args = [...namespaceArgs('none', { uid: 0, gid: 0, mapped: false }), asRoot, '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '--', '/usr/bin/true'];
  return `command -v ${b} >/dev/null 2>&1 || { echo 'agentfleet: no bwrap' >&2; exit 127; }; ${b} --version && ${b} ${args.join(' ')}`;
}

/** Reads what probeScript printed and how it exited. */
export function readProbe(code: number | null, stdout: string, stderr: string): SandboxProbe {
  if (code === 127 && stderr.includes('agentfleet: no bwrap')) return { ok: false, reason: BWRAP_MISSING };
  const version = stdout.trim().split('\n')[0] || undefined;
  if (code === 0) return { ok: true, version };
  const why = stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${code}`;
  return { ok: false, version, reason: `bwrap cannot create the sandbox's namespaces here (${why.replace(/^bwrap: /, '')}): check that user namespaces are enabled (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone)` };
}

/** Tries the sandbox on this machine, as the current user. */
export function probeSandbox(opts: { bwrap?: string; timeoutMs?: number } = {}): Promise<SandboxProbe> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', probeScript(opts.bwrap)], { timeout: opts.timeoutMs ?? 10_000 }, (err, stdout, stderr) => {
      const code: unknown = err ? (err as { code?: unknown }).code : 0;
      resolve(readProbe(typeof code === 'number' ? code : 1, stdout, stderr));
    });
  });
}
