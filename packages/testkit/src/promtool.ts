// Runs promtool (Debian's prometheus package) on text or files; CI must have it.
import { spawnSync } from 'node:child_process';

export function promtool(args: string[], stdin?: string): { code: number; output: string } {
  const r = spawnSync('promtool', args, { input: stdin, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
