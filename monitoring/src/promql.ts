import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/** A PromQL expression that does not parse: names the expression and the offending text. */
export class PromqlSyntaxError extends Error {
  constructor(expr: string, at: number) {
    super(`PromQL syntax error at ${at} in: ${expr}`);
  }
}

function walk(expr: string, visit: (node: SyntaxNode) => void): void {
  const tree = parser.parse(expr);
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) throw new PromqlSyntaxError(expr, cursor.from);
    visit(cursor.node);
  } while (cursor.next());
}

const unquote = (s: string) => JSON.parse(s.startsWith("'") ? `"${s.slice(1, -1).replace(/"/g, '\\"')}"` : s) as string;

/**
 * Every metric name an expression selects, parsed with Prometheus's own grammar (lezer-promql):
 * `name{…}` selectors and `{__name__="name"}` matchers. Recording-rule names (with a colon) are
 * returned too; the caller resolves them.
 */
export function selectedMetricNames(expr: string): Set<string> {
  const names = new Set<string>();
  walk(expr, (node) => {
    if (node.name === 'Identifier' && node.parent?.name === 'VectorSelector') names.add(expr.slice(node.from, node.to));
    if (node.name === 'UnquotedLabelMatcher' || node.name === 'QuotedLabelMatcher') {
      const label = node.getChild('LabelName') ?? node.getChild('QuotedLabelName');
      const op = node.getChild('MatchOp');
      const value = node.getChild('StringLiteral');
      if (label && op && value && expr.slice(label.from, label.to).replace(/"/g, '') === '__name__' && expr.slice(op.from, op.to) === '=') {
        names.add(unquote(expr.slice(value.from, value.to)));
      }
    }
  });
  return names;
}

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Prometheus duration like `1h30m` or `250ms`. */
export function durationSeconds(d: string): number {
  const parts = [...d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== d) throw new Error(`not a Prometheus duration: ${d}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/** The shortest Prometheus spelling of a whole number of seconds (`90` → `1m30s`). */
export function formatDuration(totalSeconds: number): string {
  let s = Math.max(0, Math.round(totalSeconds));
  if (s === 0) return '0s';
  let out = '';
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (s >= size) {
      out += `${Math.floor(s / size)}${unit}`;
      s %= size;
    }
  }
  return out;
}

/**
 * The expression with every range (`[5m]`, subquery `[10m:1m]`) replaced by `scale(seconds)`;
 * offsets are left alone. Used to make a fast-running copy of the rules for end-to-end tests.
 */
export function scaleRanges(expr: string, scale: (seconds: number) => number): string {
  const edits: { from: number; to: number; text: string }[] = [];
  walk(expr, (node) => {
    if (node.name !== 'MatrixSelector' && node.name !== 'SubqueryExpr') return;
    const ranges = node.getChildren('DurationExpr');
    const range = ranges[0];
    if (!range) return;
    const text = expr.slice(range.from, range.to);
    if (!/^[\dmshdwy.]+$/.test(text)) return;
    edits.push({ from: range.from, to: range.to, text: formatDuration(scale(durationSeconds(text))) });
  });
  let out = expr;
  for (const e of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}
