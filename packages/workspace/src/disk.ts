import { statfs } from 'node:fs/promises';
import { FleetError } from '@agentfleet/core';

/** Bytes available to unprivileged users on the filesystem holding `path`. */
export async function diskFree(path: string): Promise<number> {
  const st = await statfs(path);
  return st.bavail * st.bsize;
}

/** Throws FleetError('disk_full') when less than `minBytes` are free at `path`. */
export async function assertDiskFree(path: string, minBytes: number): Promise<number> {
  const free = await diskFree(path);
  if (free < minBytes) {
    const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;
    throw new FleetError('disk_full', `only ${gib(free)} free at ${path} (minimum ${gib(minBytes)})`, { path, free, minBytes });
  }
  return free;
}
