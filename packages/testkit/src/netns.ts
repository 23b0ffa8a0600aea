// Network partitions for end-to-end tests: local sshd hosts, each in its own network namespace
// joined to this machine by a veth pair on link-local addresses (169.254.K.1 here, 169.254.K.2
// the host), so traffic never leaves the machine. cut() takes the link down inside the
// namespace: SSH, Redis and everything else between the host and this machine stop until
// restore(). Processes started on the host over SSH (fleet-hostd) live in its namespace.
//
// A daemon in a namespace reaches this machine only at machineAddress[name]: a Redis for such a
// test must listen there too (e.g. `redis-server --bind 127.0.0.1 169.254.K.1`), and REDIS_URL
// given to that host must use that address.
import { canRunTestHosts, startTestHosts, type TestHosts } from './test-hosts.js';

export type NetnsHosts = TestHosts;

/** True when namespaces can be made (root, sshd, ip); under CI=true a missing prerequisite throws. */
export function canRunNetnsHosts(): boolean {
  return canRunTestHosts();
}

/**
 * Starts n sshd hosts in namespaces af-<name>. firstOctet (2..250) picks 169.254.firstOctet.* for
 * the first host; use distinct ranges in test files that may run in parallel.
 */
export function startNetnsHosts(opts: { n: number; firstOctet: number; userPrefix: string; names?: string[] }): Promise<NetnsHosts> {
  return startTestHosts({ n: opts.n, firstIp: opts.firstOctet, userPrefix: opts.userPrefix, names: opts.names, netns: true });
}
