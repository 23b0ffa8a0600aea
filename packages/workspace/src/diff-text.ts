import { git } from './git.js';

/**
 * What a task changed since its base, as one unified diff (committed and uncommitted,
 * new files included): what a reviewer reads. Cut at maxBytes with a note.
 */
export async function diffText(dir: string, base: string, maxBytes = 200_000): Promise<string> {
  // Intent-to-add makes new files show up in `git diff` without staging their content.
  await git(['add', '--intent-to-add', '--all'], { cwd: dir });
  const res = await git(['diff', '--no-color', '--no-ext-diff', base], { cwd: dir });
  await git(['reset', '--quiet'], { cwd: dir, okCodes: [1] });
  const text = res.stdout;
  return text.length > maxBytes ? `${text.slice(0, maxBytes)}\n[diff cut at ${maxBytes} bytes of ${text.length}]\n` : text;
}
