// An exclusive lock on a file between processes of this machine (flock(1)), held by a small
// child process until released or until this process dies, so a crashed test never leaves it.
import { spawn } from 'node:child_process';

/**
 * Waits up to `waitSeconds` for the lock on `path`, then holds it; the returned function
 * releases it (calling it again does nothing). `what` names the lock in the error.
 */
export function holdFileLock(path: string, waitSeconds: number, what = path): Promise<() => void> {
  const holder = spawn('flock', ['-w', String(waitSeconds), path, '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    holder.stdout.once('data', () => {
      let released = false;
      resolve(() => {
        if (released) return;
        released = true;
        holder.stdin.end();
      });
    });
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`cannot lock ${what} (flock exited ${code})`)));
  });
}
