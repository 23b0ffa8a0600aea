import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { InputError, type Problem } from './errors.js';

/** A parsed YAML or JSON document that can say where any value came from. */
export interface SourceDoc {
  file: string;
  value: unknown;
  /** line/column (1-based) of the value at `path`, or of its nearest existing parent. */
  locate(path: ReadonlyArray<string | number>, keyOnly?: boolean): { line: number; column: number };
}

/**
 * Parses YAML (JSON is a subset) keeping positions, so every later problem can name
 * file:line:column. Syntax errors become an InputError listing each of them.
 */
export function parseSource(text: string, file: string): SourceDoc {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: Problem[] = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
      return { file, line: pos.line, column: pos.col, message: firstLine(e.message) };
    });
    throw new InputError(problems);
  }
  const pos = (offset: number | undefined) => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  };
  return {
    file,
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    locate(path, keyOnly = false) {
      let node: unknown = doc.contents;
      let best: { line: number; column: number } = pos((doc.contents as Node | null)?.range?.[0]);
      for (const seg of path) {
        if (isMap(node)) {
          const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(seg));
          if (!pair) break;
          const keyNode = pair.key as Node;
          best = pos(keyNode.range?.[0]);
          node = pair.value;
          if (keyOnly && seg === path[path.length - 1]) return best;
        } else if (isSeq(node) && typeof seg === 'number') {
          const item = node.items[seg] as Node | undefined;
          if (!item) break;
          best = pos(item.range?.[0]);
          node = item;
        } else {
          break;
        }
        if (node && typeof node === 'object' && 'range' in node && (node as Node).range) {
          best = pos((node as Node).range?.[0]);
        }
      }
      return best;
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
