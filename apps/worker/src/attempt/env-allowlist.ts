// What of the daemon's environment a task's processes may see: an allowlist, not the daemon's
// environment minus a few names. Everything a task needs beyond it is asked for by name
// (`env:` in the plan) or added by the fleet itself (task variables, caches, a CLI's own key).
import { isControlVariable } from '@agentfleet/host-contract';

/** Variables every task process gets from the daemon when they are set: where programs are, locale, terminal, time zone. */
const BASE = new Set(['PATH', 'HOME', 'LANG', 'LANGUAGE', 'TERM', 'TMPDIR', 'TZ']);
/** How the host reaches the network: proxies and the certificates a proxy's TLS needs. */
const NETWORK = new Set([
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy',
  'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE',
]);

export function allowedForTasks(name: string): boolean {
  return BASE.has(name) || NETWORK.has(name) || name.startsWith('LC_');
}

/** The daemon's variables a task process may see without asking. */
export function allowlistedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && allowedForTasks(k)) out[k] = v;
  return out;
}

/** The daemon's environment without the fleet's own control variables: where secrets and named variables are read from. */
export function daemonVariables(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !isControlVariable(k)) out[k] = v;
  return out;
}

/** The variables a task asks for by name (`env:`): those its host forwards, and the names it does not. */
export function namedVariables(names: readonly string[] | undefined, from: NodeJS.ProcessEnv): { values: Record<string, string>; received: string[]; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const n of names ?? []) {
    const v = from[n];
    if (v === undefined || isControlVariable(n)) missing.push(n);
    else values[n] = v;
  }
  return { values, received: Object.keys(values), missing };
}
