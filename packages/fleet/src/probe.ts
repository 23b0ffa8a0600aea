// What a host has: node (>= 20, by absolute path: non-interactive SSH shells often lack the
// PATH of a login shell), git, cores, memory, home. `missing` says exactly what to install.
import type { SshSession } from './session.js';
import { SshError } from './errors.js';
import { shScript } from './shell-quote.js';

export const MIN_NODE_MAJOR = 20;

export interface HostProbe {
  node?: { path: string; version: string };
  git?: string;
  gitPath?: string;
  cores: number;
  memBytes: number;
  home: string;
  arch: string;
  /** One human sentence per missing prerequisite; empty when the host is ready. */
  missing: string[];
}

const PROBE = String.raw`
echo "home=$HOME"
echo "arch=$(uname -m 2>/dev/null)"
echo "cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
echo "memkb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)"
echo "memlimit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null)"
report() {
  case $2 in /*) ;; *) return 0 ;; esac
  [ -x "$2" ] || return 0
  v=$("$2" --version 2>/dev/null | head -n 1) || return 0
  echo "$1=$v|$2"
}
report node-path "$(command -v node 2>/dev/null)"
for c in "$HOME"/.nvm/versions/node/*/bin/node; do report node-nvm "$c"; done
for c in "$HOME/.volta/bin/node" "$HOME/.local/bin/node" /usr/local/bin/node /usr/bin/node; do report node-fixed "$c"; done
report git "$(command -v git 2>/dev/null)"
for c in /usr/bin/git /usr/local/bin/git; do report git "$c"; done
`;

function nodeMajor(version: string): number {
  const m = /^v?(\d+)\./.exec(version.trim());
  return m ? Number(m[1]) : 0;
}

function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Parses the probe script's output (exported for tests of the selection rules). */
export function parseProbe(output: string, hostName: string): HostProbe {
  const kv: Array<[string, string]> = output.split('\n').map((l) => {
    const i = l.indexOf('=');
    return [l.slice(0, i), l.slice(i + 1)] as [string, string];
  }).filter(([k]) => k.length > 0);
  const one = (k: string) => kv.find(([key]) => key === k)?.[1]?.trim() ?? '';
  const nodes = (source: string) => kv.filter(([k]) => k === source).map(([, v]) => {
    const bar = v.indexOf('|');
    return { version: v.slice(0, bar).trim(), path: v.slice(bar + 1) };
  });
  const ok = (n: { version: string }) => nodeMajor(n.version) >= MIN_NODE_MAJOR;
  const byVersionDesc = (a: { version: string }, b: { version: string }) => compareVersions(b.version, a.version);
  const candidates = [...nodes('node-path'), ...nodes('node-nvm').sort(byVersionDesc), ...nodes('node-fixed')];
  const node = candidates.find(ok);

  const gitLine = nodes('git')[0];
  const missing: string[] = [];
  if (!node) {
    const seen = [...new Map(candidates.map((c) => [c.path, c])).values()];
    missing.push(seen.length > 0
      ? `node >= ${MIN_NODE_MAJOR} is required on ${hostName}, found only ${seen.map((c) => `${c.version} (${c.path})`).join(', ')}`
      : `node >= ${MIN_NODE_MAJOR} is not installed on ${hostName} (looked in PATH, ~/.nvm/versions/node/*/bin, ~/.volta/bin, ~/.local/bin, /usr/local/bin, /usr/bin)`);
  }
  if (!gitLine) missing.push(`git is not installed on ${hostName} (looked in PATH, /usr/bin, /usr/local/bin)`);

  const memKb = Number(one('memkb')) || 0;
  const limit = Number(one('memlimit'));
  let memBytes = memKb * 1024;
  if (Number.isFinite(limit) && limit > 0 && (memBytes === 0 || limit < memBytes)) memBytes = limit;
  return {
    ...(node ? { node: { path: node.path, version: node.version } } : {}),
    ...(gitLine ? { git: gitLine.version.replace(/^git version\s*/, ''), gitPath: gitLine.path } : {}),
    cores: Math.max(1, Number(one('cores')) || 1),
    memBytes,
    home: one('home'),
    arch: one('arch'),
    missing,
  };
}

/** Probes the host over the session: node and git by absolute path, cores, memory, home. */
export async function probeHost(s: SshSession): Promise<HostProbe> {
  const r = await s.exec(shScript(PROBE), { timeoutMs: 30_000 });
  if (r.code !== 0) throw new SshError(s.host.name, `probing ${s.host.name} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return parseProbe(r.stdout, s.host.name);
}

/** Worker slots a host can carry (3 per 4 cores, one per 1.5 GiB, at least 1): the one rule, from core. */
export { defaultSlots } from '@agentfleet/core';
