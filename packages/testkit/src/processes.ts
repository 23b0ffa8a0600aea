// Finding a test's processes on this machine: the workers of a host daemon's home, and the
// agent processes whose command line carries a test's marker.
import { execFileSync } from 'node:child_process';

/** Worker processes whose environment names this home (they are children of a hostd). */
export function workerPids(home: string): number[] {
  let out = '';
  try {
    out = execFileSync('sh', ['-c', `grep -l -a "AGENTFLEET_HOME=${home}" /proc/[0-9]*/environ 2>/dev/null || true`], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((l) => Number(/\/proc\/(\d+)\//.exec(l)?.[1]))
    .filter((pid) => pid && pid !== process.pid);
}

/** Pids of processes whose command line contains the marker (agent processes of a test). */
export function pidsWithArg(marker: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(marker) && !l.includes('ps -eo'))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter(Boolean);
}
