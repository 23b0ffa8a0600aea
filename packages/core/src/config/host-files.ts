import { z } from 'zod';
import { normalRepoPath, repoPathProblem } from '../repo-path.js';

/**
 * `hosts[].files` / `local.files`: files of the host's own filesystem copied into every
 * workspace before setup (an `.env`, a credentials file). `from` is a path on that host (`~/`
 * is its user's home); only these paths travel, never the contents, and `to` is never committed.
 */
export const hostFileSchema = z.strictObject({
  from: z.string().refine((s) => s.trim() !== '', 'must not be empty: the path of the file on the host'),
  to: z
    .string()
    .superRefine((p, ctx) => {
      const problem = repoPathProblem(p);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform(normalRepoPath),
});

export const hostFilesSchema = z
  .array(hostFileSchema)
  .default([])
  .superRefine((files, ctx) => {
    const seen = new Set<string>();
    files.forEach((f, i) => {
      if (seen.has(f.to)) ctx.addIssue({ code: 'custom', path: [i, 'to'], message: `'${f.to}' is the destination of another file already` });
      seen.add(f.to);
    });
  });

export type HostFile = z.output<typeof hostFileSchema>;

/** Where a host file's `from` is on its host, given that host's home: `~/x` and `x` are in the home. No I/O. */
export function hostFilePath(from: string, home: string): string {
  if (from === '~') return home;
  if (from.startsWith('~/')) return `${home.replace(/\/$/, '')}/${from.slice(2)}`;
  return from.startsWith('/') ? from : `${home.replace(/\/$/, '')}/${from}`;
}
