import { parse } from '@bufbuild/cel';
import { celName, FORBIDDEN_KEYS, OUTCOME_FIELDS, OUTCOME_STATUSES, REVIEW_VERDICTS } from './names.js';

type Expr = ReturnType<typeof parse>['expr'];
type Kind = 'bool' | 'string' | 'number' | 'null' | 'list' | 'map' | 'dyn';

/** What `fleet plan check` learns of a `when:` expression: the names it may bind, and what is wrong with it. */
export interface ConditionCheck {
  /** CEL name -> dependency id, for every dependency the expression can name */
  names: Record<string, string>;
  problems: string[];
}

/** Operators of the grammar; every other call (functions, methods) is refused. */
const COMPARISONS = new Set(['_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '@in']);
const LOGICAL = new Set(['_&&_', '_||_', '!_']);
const ARITHMETIC = new Set(['_+_', '_-_', '_*_', '_/_', '_%_', '-_']);

/**
 * Checks a `when:` expression without evaluating it: CEL syntax, and the grammar of the
 * design: `<dep>.status|succeeded|failed|review|outputs.<key>`, comparisons, `&&`, `||`, `!`,
 * `? :`, `in`, literals and `has(<dep>.outputs.<key>)`. Unknown names, fields a dependency
 * does not have, keys such as `__proto__` or `constructor`, function and method calls and
 * macros are problems, so nothing the expression says can reach past its data.
 */
export function checkCondition(expression: string, deps: readonly string[], anyDeps: ReadonlySet<string> = new Set()): ConditionCheck {
  const byName = new Map<string, string[]>();
  for (const dep of new Set(deps)) {
    const name = celName(dep);
    if (name) byName.set(name, [...(byName.get(name) ?? []), dep]);
  }
  const names: Record<string, string> = {};
  for (const [name, ids] of byName) if (ids.length === 1) names[name] = ids[0]!;
  let root: Expr;
  try {
    root = parse(expression).expr;
  } catch (e) {
    return { names, problems: [`syntax error: ${(e as Error).message.replace(/^<input>:/, 'at ')}`] };
  }
  const walker = new Walker(byName, deps, anyDeps);
  const kind = walker.kindOf(root);
  if (kind !== 'bool' && kind !== 'dyn') walker.problem(`must be true or false, but it is ${article(kind)}: compare it, e.g. ${example(deps)}.status == "failed"`);
  return { names, problems: [...new Set(walker.problems)] };
}

/** The names an expression reads (dependencies, as CEL names); none when it does not parse. */
export function conditionNames(expression: string): string[] {
  let root: Expr;
  try {
    root = parse(expression).expr;
  } catch {
    return [];
  }
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const node = value as { exprKind?: { case?: string; value?: { name?: string } } };
    if (node.exprKind?.case === 'identExpr' && node.exprKind.value?.name) names.add(node.exprKind.value.name);
    for (const [k, v] of Object.entries(value)) if (k !== '$typeName') visit(v);
  };
  visit(root);
  return [...names];
}

class Walker {
  readonly problems: string[] = [];

  constructor(
    private readonly byName: ReadonlyMap<string, string[]>,
    private readonly deps: readonly string[],
    private readonly anyDeps: ReadonlySet<string>,
  ) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  kindOf(e: Expr): Kind {
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr':
        return constKind(k.value.constantKind.case);
      case 'identExpr':
        this.bareName(k.value.name);
        return 'dyn';
      case 'selectExpr':
        return this.select(e);
      case 'callExpr':
        return this.call(k.value);
      case 'listExpr':
        for (const el of k.value.elements) this.kindOf(el);
        return 'list';
      case 'structExpr':
        if (k.value.messageName) this.problem(`'${k.value.messageName}{...}': building objects is not allowed`);
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') this.kindOf(entry.keyKind.value);
          if (entry.value) this.kindOf(entry.value);
        }
        return 'map';
      case 'comprehensionExpr':
        this.problem('macros such as all(), exists(), map() and filter() are not allowed');
        return 'dyn';
      default:
        this.problem('an empty expression');
        return 'dyn';
    }
  }

  /** `a.b.c`: a dependency's field, an output key, or a field of a literal map. */
  private select(e: Expr): Kind {
    const path: string[] = [];
    let node = e;
    let testOnly = false;
    while (node.exprKind.case === 'selectExpr') {
      const sel = node.exprKind.value;
      path.unshift(sel.field);
      if (node === e) testOnly = sel.testOnly;
      if (!sel.operand) break;
      node = sel.operand;
    }
    const forbidden = path.find((key) => FORBIDDEN_KEYS.has(key));
    if (forbidden) {
      this.problem(`'${forbidden}' is not a name an expression may use (it is JavaScript's, not data)`);
      return 'dyn';
    }
    if (node.exprKind.case !== 'identExpr') {
      this.kindOf(node);
      return testOnly ? 'bool' : 'dyn';
    }
    const name = node.exprKind.value.name;
    if (!this.dependency(name)) return 'dyn';
    const [field, ...rest] = path;
    const written = `${name}.${path.join('.')}`;
    if (!(OUTCOME_FIELDS as readonly string[]).includes(field!)) {
      this.problem(`'${written}': a dependency has ${OUTCOME_FIELDS.join(', ')} (outputs.KEY for what it wrote)`);
      return 'dyn';
    }
    if (field === 'outputs') {
      if (testOnly && rest.length === 0) this.problem(`has(${written}) is always true: test a key, has(${name}.outputs.KEY)`);
      return testOnly ? 'bool' : rest.length ? 'dyn' : 'map';
    }
    if (rest.length) this.problem(`'${written}': ${name}.${field} has no fields`);
    const id = this.byName.get(name)![0]!;
    if (field === 'failed' && !this.anyDeps.has(id)) {
      this.problem(`'${written}' is never true here: a failed ${id} skips this task unless deps lists it as { task: ${id}, after: any }`);
    }
    if (testOnly) this.problem(`has() tests an output key: has(${name}.outputs.KEY), not has(${written})`);
    return field === 'succeeded' || field === 'failed' ? 'bool' : 'string';
  }

  private call(c: Extract<Expr['exprKind'], { case: 'callExpr' }>['value']): Kind {
    const fn = c.function;
    if (c.target) {
      this.kindOf(c.target);
      this.problem(`function calls are not allowed (found .${fn}()): use comparisons, &&, || and !`);
      return 'dyn';
    }
    if (fn === '_[_]') return this.index(c.args[0]!, c.args[1]!);
    const kinds = c.args.map((a) => this.kindOf(a));
    if (COMPARISONS.has(fn)) {
      if (fn === '_==_' || fn === '_!=_') this.literalValues(c.args[0]!, c.args[1]!);
      return 'bool';
    }
    if (LOGICAL.has(fn)) return 'bool';
    if (ARITHMETIC.has(fn)) return kinds.every((k) => k === 'number') ? 'number' : 'dyn';
    if (fn === '_?_:_') return kinds[1] === kinds[2] ? kinds[1]! : 'dyn';
    this.problem(`function calls are not allowed (found ${fn}()): use comparisons, &&, || and !`);
    return 'dyn';
  }

  /** `x[key]`: on outputs, lists and maps; never on a dependency itself. */
  private index(operand: Expr, key: Expr): Kind {
    if (operand.exprKind.case === 'identExpr') {
      const name = operand.exprKind.value.name;
      if (this.dependency(name)) this.problem(`'${name}[...]': write ${name}.status, ${name}.failed, ${name}.outputs.KEY, ...`);
    } else this.kindOf(operand);
    this.kindOf(key);
    if (key.exprKind.case === 'constExpr' && key.exprKind.value.constantKind.case === 'stringValue' && FORBIDDEN_KEYS.has(key.exprKind.value.constantKind.value)) {
      this.problem(`'${key.exprKind.value.constantKind.value}' is not a name an expression may use (it is JavaScript's, not data)`);
    }
    return 'dyn';
  }

  /** `test.status == "faild"` can never hold: say so at check time. */
  private literalValues(a: Expr, b: Expr): void {
    for (const [field, lit] of [[fieldOf(a), literal(b)], [fieldOf(b), literal(a)]] as const) {
      if (lit === undefined || !field) continue;
      const allowed: readonly string[] | undefined = field === 'status' ? OUTCOME_STATUSES : field === 'review' ? REVIEW_VERDICTS : undefined;
      if (allowed && !allowed.includes(lit)) this.problem(`'${lit}' is not a ${field} a dependency can have (${allowed.join(', ')})`);
    }
  }

  /** A name used as a dependency: true when it is one the expression may use. */
  private dependency(name: string): boolean {
    const ids = this.byName.get(name);
    if (ids && ids.length === 1) return true;
    if (ids) this.problem(`'${name}' names two dependencies (${ids.join(', ')}): rename one of them`);
    else if (FORBIDDEN_KEYS.has(name)) this.problem(`'${name}' is not a name an expression may use (it is JavaScript's, not data)`);
    else this.problem(`'${name}' is not a dependency of this task${this.known()}`);
    return false;
  }

  private bareName(name: string): void {
    if (this.dependency(name)) this.problem(`'${name}' alone is not a value: write ${name}.succeeded, ${name}.failed, ${name}.status, ${name}.review or ${name}.outputs.KEY`);
  }

  private known(): string {
    const names = [...this.byName.keys()];
    const unnamed = this.deps.filter((d) => celName(d) === null);
    const list = names.length ? ` (it may name ${names.join(', ')}` : ' (it has no dependency it can name';
    return `${list}; list a task in deps to use it${unnamed.length ? `; ids starting with a digit cannot be named: ${unnamed.join(', ')}` : ''})`;
  }
}

function constKind(c: string | undefined): Kind {
  if (c === 'boolValue') return 'bool';
  if (c === 'stringValue') return 'string';
  if (c === 'nullValue') return 'null';
  if (c === 'int64Value' || c === 'uint64Value' || c === 'doubleValue') return 'number';
  return 'dyn';
}

/** `status` / `review` when the node is `<dep>.status` / `<dep>.review`. */
function fieldOf(e: Expr): string | undefined {
  if (e.exprKind.case !== 'selectExpr') return undefined;
  const { operand, field } = e.exprKind.value;
  return operand?.exprKind.case === 'identExpr' ? field : undefined;
}

function literal(e: Expr): string | undefined {
  return e.exprKind.case === 'constExpr' && e.exprKind.value.constantKind.case === 'stringValue' ? e.exprKind.value.constantKind.value : undefined;
}

function article(kind: Kind): string {
  return { string: 'a string', number: 'a number', null: 'null', list: 'a list', map: 'a mapping', bool: 'a boolean', dyn: 'a value' }[kind];
}

function example(deps: readonly string[]): string {
  return deps.map(celName).find((n) => n !== null) ?? 'test';
}
