// A throwaway CA and a server certificate for 127.0.0.1/localhost, made with openssl, for
// tests of rediss:// (redis-server --tls-port). Keys are short-lived and live under /dev/shm.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCerts {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
}

export function generateTestCerts(dir: string): TestCerts {
  const p = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '2', '-subj', '/CN=agentfleet test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(p('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', p('server.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('server.crt'), '-days', '2', '-extfile', p('server.ext'));
  return { dir, caCert: p('ca.crt'), serverCert: p('server.crt'), serverKey: p('server.key') };
}

/** redis-server arguments for TLS only (no plaintext port) with these certificates. */
export function redisTlsArgs(certs: TestCerts, port: number): string[] {
  return ['--port', '0', '--tls-port', String(port), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.caCert, '--tls-auth-clients', 'no'];
}
