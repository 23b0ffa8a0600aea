// Pulls the metric names out of PromQL expressions (and Grafana's label_values()), enough for
// the expressions of our dashboard and alert rules: strings, label matchers, range selectors,
// grouping clauses and Grafana variables are removed first; an identifier that is then not a
// function call, keyword or number is a metric name.
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'inf', 'nan', 'atan2']);

export function metricNamesIn(expr: string): string[] {
  let s = expr;
  s = s.replace(/label_values\(\s*([^,)]+?)\s*(?:,[^)]*)?\)/g, ' $1 ');
  s = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ');
  s = s.replace(/\{[^}]*\}/g, ' ');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  s = s.replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  s = s.replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?[smhdwy]?\b/gi, ' ');
  const names = new Set<string>();
  for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    const after = s.slice((m.index ?? 0) + word.length);
    if (/^\s*\(/.test(after)) continue; // function or aggregation
    if (KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names].sort();
}

/** Every `expr` and templating query of a Grafana dashboard. */
export function dashboardExpressions(dashboard: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, key?: string) => {
    if (typeof node === 'string') {
      if (key === 'expr' || key === 'definition') out.push(node);
      return;
    }
    if (Array.isArray(node)) for (const n of node) walk(n);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'query' && typeof v === 'object' && v !== null && typeof (v as { query?: unknown }).query === 'string') out.push((v as { query: string }).query);
        else walk(v, k);
      }
    }
  };
  walk(dashboard);
  return out;
}
