import { InputError } from '@agentfleet/core';

export const DEFAULT_LISTEN = '127.0.0.1:9464';

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Parses `host:port`, `[ipv6]:port` or a bare port. A bare port (or `:port`) binds 127.0.0.1:
 * exposing the monitor beyond this machine takes an explicit address such as 0.0.0.0:9464.
 */
export function parseListen(value: string): ListenAddress {
  const text = value.trim();
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InputError(`monitor listen address '${value}' is not host:port (for example 127.0.0.1:9464)`);
  }
  const host = m[1] || m[2] || '127.0.0.1';
  return { host, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
