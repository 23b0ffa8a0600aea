// Mutated plans and configs for the bad-input suite: valid documents taken apart in the
// ways people (and generators) break them — keys deleted, duplicated, renamed or retyped,
// values swapped for odd ones, text cut, re-indented or sprinkled with junk.
import fc from 'fast-check';
import { stringify } from 'yaml';

export const VALID_PLAN = {
  name: 'fuzz-plan',
  repo: { url: 'git@github.com:org/app.git', ref: 'main', push: 'origin' },
  defaults: { agent: 'shell', timeout: '5m', retries: 1, backoff: '1s', estimate: '2m', stall_timeout: '1m', complexity: 'low' },
  clean: 'keep-ignored',
  tasks: [
    { id: 'analysis', title: 'Analyze', agent: 'llm', prompt: 'Read the code.', complexity: 'high', risk: ['db'], estimate: '5m' },
    { id: 'impl', deps: ['analysis'], agent: 'codex', prompt: 'Implement it.', review: { agent: 'llm', prompt: 'Check it.', rounds: 2 } },
    { id: 'test', deps: ['impl'], run: 'npm test', labels: ['big'], inherit: false, retries: 0, timeout: '10m' },
    { id: 'docs', deps: ['analysis'], agent: 'noop' },
  ],
};

export const VALID_CONFIG = {
  redis: { url: 'redis://127.0.0.1:6379', prefix: 'af' },
  hosts: [{ name: 'mugen', ssh: 'deploy@10.0.0.5:22', slots: 12, labels: ['big'], env: ['OPENAI_API_KEY'], knownHosts: '~/.ssh/known_hosts' }],
  providers: [{ name: 'lan', baseURL: 'http://192.168.3.27:11434/v1', apiKeyEnv: 'LAN_KEY', models: { low: 'gpt-oss:20b', high: 'gpt-oss:120b' }, timeoutMs: 1000, cooldownMs: 500 }],
  pricing: { 'gpt-oss:20b': { input: 0.1, cachedInput: 0.05, output: 0.5 } },
  budgets: { perTaskUsd: 2, perRunUsd: 50, perTaskTokens: 2_000_000 },
  git: { author: 'agentfleet <fleet@localhost>' },
  monitor: { listen: '127.0.0.1:9464', queuesWritable: false },
  secrets: ['MY_TOKEN'],
  heartbeatTtlMs: 15_000,
};

/** Strings that break shells, terminals, YAML or regexes. */
export const NASTY_STRINGS = [
  'a;rm -rf /', '$(x)', '`id`', 'a b', 'a\nb', '../../etc/passwd', '/etc/passwd', '-rf', '--help', '', ' ', '\t', '\u0000', '\u001b[31mred',
  'ア', '💥💥', '\u202e', '\ud800', 'A'.repeat(300), '{{x}}', '%s%n', '*', '&a', '!!binary', 'null', '~', 'true', '0x10', '1e999', '-1', 'NaN',
  '99999999999999999999999h', '-5m', '5x', '__proto__', 'constructor', "'", '"', '\\',
];

/** A value of any odd kind: the retyped field of a mutation. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom<unknown>(1e308, -1e308, 2 ** 64, -1, 0, 0.5, -0, null, true, false, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.integer({ min: 1, max: 300 }).map((depth) => nest(depth)),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxKeys: 3 }),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)), { maxLength: 4 }),
);

function nest(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 ? { k: v } : [v];
  return v;
}

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  const children: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : value && typeof value === 'object' ? Object.entries(value) : [];
  for (const [k, v] of children) {
    out.push([...prefix, k]);
    paths(v, [...prefix, k], out);
  }
  return out;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, unknown>;
  return node;
}

type Op = 'delete' | 'replace' | 'rename' | 'add' | 'duplicate' | 'retype';

/** Applies one structural mutation at the path chosen by `pick` (an index into all paths). */
function mutateValue(original: object, op: Op, pick: number, weird: unknown, key: string): unknown {
  const root = structuredClone(original) as Record<string, unknown>;
  const all = paths(root);
  const path = all[pick % all.length]!;
  const parent = parentOf(root, path);
  const last = path[path.length - 1]!;
  const current = parent[last];
  switch (op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 'replace':
      parent[last] = weird;
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        delete parent[last];
        parent[key] = current;
      }
      break;
    case 'add':
      if (current && typeof current === 'object' && !Array.isArray(current)) (current as Record<string, unknown>)[key] = weird;
      else parent[`${String(last)}_${key}`] = weird;
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.splice(last as number, 0, structuredClone(current));
      else parent[last] = [current, current];
      break;
    case 'retype':
      parent[last] = typeof current === 'string' ? Number(current) || current.length : typeof current === 'number' ? String(current) : Array.isArray(current) ? Object.fromEntries(current.map((v, i) => [i, v])) : current && typeof current === 'object' ? Object.values(current) : String(current);
      break;
  }
  return root;
}

function serialize(value: unknown, format: 'yaml' | 'json' | 'flow'): string {
  if (format === 'json') return JSON.stringify(value, null, 2) ?? 'null';
  return stringify(value, { aliasDuplicateObjects: false, lineWidth: 0, ...(format === 'flow' ? { collectionStyle: 'flow' as const } : {}) });
}

type TextOp = 'insert' | 'cut' | 'dupline' | 'indent' | 'junk' | 'truncate' | 'alias' | 'directive';

/** Mutations of the text itself: what a bad editor session or a binary file does. */
function mutateText(text: string, op: TextOp, at: number, insert: string, n: number): string {
  const i = text.length ? at % text.length : 0;
  const lines = text.split('\n');
  const li = at % lines.length;
  switch (op) {
    case 'insert':
      return text.slice(0, i) + insert + text.slice(i);
    case 'cut':
      return text.slice(0, i) + text.slice(i + 1 + (n % 40));
    case 'dupline':
      lines.splice(li, 0, lines[li]!);
      return lines.join('\n');
    case 'indent':
      lines[li] = (n % 2 ? '\t' : ' '.repeat(n % 7)) + lines[li]!.trimStart();
      return lines.join('\n');
    case 'junk':
      return text.slice(0, i) + Buffer.from(insert).toString('latin1').replace(/./g, (c) => String.fromCharCode(c.charCodeAt(0) ^ 0x80)) + text.slice(i);
    case 'truncate':
      return text.slice(0, i);
    case 'alias':
      return ['x: *undefined_anchor\n', `bomb: &b [${'*b,'.repeat(3)}]\n`, 'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b2 [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b2,*b2,*b2,*b2,*b2,*b2,*b2,*b2,*b2,*b2]\n', '&x\n'][n % 4]! + text;
    case 'directive':
      return ['%YAML 1.1\n---\n', '---\n', '\ufeff', '--- !!map\n', '...\n', '? complex\n: key\n'][n % 6]! + text + ['', '\n---\nsecond: doc\n', '\n...\n'][n % 3]!;
  }
}

/** A mutated document: one or two structural mutations, serialized, then maybe a text mutation. */
export function mutatedDocument(valid: object): fc.Arbitrary<string> {
  const structural = fc.tuple(fc.constantFrom<Op>('delete', 'replace', 'rename', 'add', 'duplicate', 'retype'), fc.nat(), weirdValue, fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 10 })));
  const textual = fc.tuple(fc.constantFrom<TextOp>('insert', 'cut', 'dupline', 'indent', 'junk', 'truncate', 'alias', 'directive'), fc.nat(), fc.string({ unit: 'binary', maxLength: 12 }), fc.nat());
  return fc
    .tuple(fc.array(structural, { minLength: 1, maxLength: 2 }), fc.constantFrom<'yaml' | 'json' | 'flow'>('yaml', 'json', 'flow'), fc.option(textual, { freq: 2 }))
    .map(([muts, format, text]) => {
      let value: unknown = valid;
      for (const [op, pick, weird, key] of muts) value = mutateValue(value as object, op, pick, weird, key);
      const out = serialize(value, format);
      return text ? mutateText(out, ...text) : out;
    });
}

/** Input that was never a document: random unicode, binary junk, deep brackets. */
export const junkDocument: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.tuple(fc.constantFrom('[', '{', '- ', '? ', '"', 'a: '), fc.integer({ min: 50, max: 5000 })).map(([s, n]) => `tasks: ${s.repeat(n)}`),
  fc.integer({ min: 60, max: 400 }).map((n) => `tasks:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 2)}- k:`).join('\n')}\n`),
);
