/** A unified diff (git or plain `diff -u`), parsed and applied in memory. */

export interface Hunk {
  oldStart: number;
  oldLines: string[];
  newLines: string[];
  /** The hunk's header line, for messages. */
  header: string;
}

export interface FilePatch {
  oldPath: string | null; // null: the file is created
  newPath: string | null; // null: the file is deleted
  hunks: Hunk[];
}

export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}

function stripPrefix(p: string): string | null {
  const path = p.split('\t')[0]!.trim();
  if (path === '/dev/null') return null;
  return path.replace(/^[ab]\//, '');
}

export function parseUnifiedDiff(text: string): FilePatch[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const files: FilePatch[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      const file: FilePatch = { oldPath: stripPrefix(line.slice(4)), newPath: stripPrefix(lines[i + 1]!.slice(4)), hunks: [] };
      files.push(file);
      i += 2;
      while (i < lines.length && lines[i]!.startsWith('@@')) {
        const header = lines[i]!;
        const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(header);
        if (!m) throw new PatchError(`malformed hunk header: ${header}`);
        let oldCount = m[2] === undefined ? 1 : Number(m[2]);
        let newCount = m[4] === undefined ? 1 : Number(m[4]);
        const hunk: Hunk = { oldStart: Number(m[1]), oldLines: [], newLines: [], header };
        i++;
        while (i < lines.length && (oldCount > 0 || newCount > 0)) {
          const l = lines[i]!;
          if (l.startsWith('\\')) {
            i++;
            continue;
          }
          // a blank line inside a hunk is a context line whose leading space was lost
          const tag = l === '' ? ' ' : l[0];
          const body = l.slice(1);
          if (tag === ' ') {
            hunk.oldLines.push(body);
            hunk.newLines.push(body);
            oldCount--;
            newCount--;
          } else if (tag === '-') {
            hunk.oldLines.push(body);
            oldCount--;
          } else if (tag === '+') {
            hunk.newLines.push(body);
            newCount--;
          } else {
            throw new PatchError(`unexpected line in hunk ${header}: ${JSON.stringify(l)}`);
          }
          i++;
        }
        if (oldCount > 0 || newCount > 0) throw new PatchError(`hunk ${header} ends early (the diff is truncated or its line counts are wrong)`);
        while (lines[i]?.startsWith('\\')) i++;
        file.hunks.push(hunk);
      }
      continue;
    }
    i++;
  }
  if (files.length === 0) throw new PatchError('no file headers (--- a/FILE, +++ b/FILE) found in the patch');
  return files;
}

function matchesAt(lines: readonly string[], at: number, want: readonly string[], loose: boolean): boolean {
  if (at < 0 || at + want.length > lines.length) return false;
  for (let k = 0; k < want.length; k++) {
    const a = lines[at + k]!;
    const b = want[k]!;
    if (loose ? a.trimEnd() !== b.trimEnd() : a !== b) return false;
  }
  return true;
}

/** Finds where a hunk's old lines are, nearest to the expected line first; exact then whitespace-tolerant. */
function locate(lines: readonly string[], hunk: Hunk, expected: number): number {
  for (const loose of [false, true]) {
    for (let d = 0; d <= lines.length; d++) {
      if (matchesAt(lines, expected + d, hunk.oldLines, loose)) return expected + d;
      if (d > 0 && matchesAt(lines, expected - d, hunk.oldLines, loose)) return expected - d;
    }
  }
  return -1;
}

/** Applies one file's hunks to its content; null content means the file does not exist. */
export function applyFilePatch(content: string | null, patch: FilePatch, name: string): string | null {
  if (patch.newPath === null) return null;
  const hadFinalNewline = content === null ? true : content.endsWith('\n') || content === '';
  const lines = content === null || content === '' ? [] : content.replace(/\n$/, '').split('\n');
  let offset = 0;
  for (const hunk of patch.hunks) {
    const expected = Math.max(0, hunk.oldStart - 1 + offset);
    const at = hunk.oldLines.length === 0 ? Math.min(expected + (hunk.oldStart === 0 ? 0 : 1), lines.length) : locate(lines, hunk, expected);
    if (at < 0) {
      const preview = hunk.oldLines.slice(0, 3).join('\n');
      throw new PatchError(`${name}: hunk ${hunk.header} does not apply; these lines were not found:\n${preview}`);
    }
    lines.splice(at, hunk.oldLines.length, ...hunk.newLines);
    offset += hunk.newLines.length - hunk.oldLines.length + (at - expected);
  }
  if (lines.length === 0) return '';
  return lines.join('\n') + (hadFinalNewline ? '\n' : '');
}
