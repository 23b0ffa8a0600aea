import { isMap, isScalar, isSeq, LineCounter, Parser, parseDocument, visit, type CST, type Node } from 'yaml';
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
  rejectDeepNesting(text, file);
  // logLevel 'error': the library's warnings (a collection used as a key, an unknown tag)
  // would otherwise reach stderr as Node process warnings; the schema reports such values.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
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
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    // An alias to no anchor, or aliases that expand past maxAliasCount (a "billion laughs").
    let at = pos(0);
    visit(doc, { Alias: (_, node) => ((at = pos(node.range?.[0])), visit.BREAK) });
    throw new InputError([{ file, ...at, message: `YAML aliases: ${firstLine((error as Error).message)}` }]);
  }
  return {
    file,
    value,
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

/** Deeper than this, a document is not a plan or a config (they are a few levels deep). */
export const MAX_NESTING = 64;

/**
 * The YAML composer and everything after it (toJS, the schema) recurse once per level:
 * thousands of `[` would overflow the stack, and V8 is fragile after that. The CST parser
 * is iterative, so the depth is measured there first, with an explicit stack.
 */
function rejectDeepNesting(text: string, file: string): void {
  const lines = new LineCounter();
  const stack: { token: CST.Token | undefined; depth: number }[] = [];
  for (const token of new Parser(lines.addNewLine).parse(text)) stack.push({ token, depth: 0 });
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (depth > MAX_NESTING) {
      const p = lines.linePos('offset' in token ? token.offset : 0);
      throw new InputError([{ file, line: p.line, column: p.col, message: `nested more than ${MAX_NESTING} levels deep: a plan or config is a few levels of mappings and lists` }]);
    }
    if (token.type === 'document') stack.push({ token: token.value, depth });
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      for (const item of token.items) {
        if ('key' in item) stack.push({ token: item.key ?? undefined, depth: depth + 1 });
        stack.push({ token: item.value, depth: depth + 1 });
      }
    }
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
