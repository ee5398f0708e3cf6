import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { RULES_DIR } from './paths';
import { durationSeconds, formatDuration, scaleRanges, selectedMetricNames } from './promql';

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}
export interface RuleFile {
  file: string;
  groups: RuleGroup[];
}

/** The rule files Prometheus loads (monitoring/rules/*.yml), parsed. */
export function loadRuleFiles(dir = RULES_DIR): RuleFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => ({ file: path.join(dir, f), groups: (parse(readFileSync(path.join(dir, f), 'utf8')) as { groups: RuleGroup[] }).groups }));
}

export const allRules = (files: RuleFile[]) => files.flatMap((f) => f.groups.flatMap((g) => g.rules));
export const alertNames = (files: RuleFile[]) => allRules(files).flatMap((r) => (r.alert ? [r.alert] : []));
export const recordNames = (files: RuleFile[]) => allRules(files).flatMap((r) => (r.record ? [r.record] : []));

/**
 * The raw metric names behind a set of expressions: recording rules are followed to the
 * expressions they record, so `a:b:rate5m` counts as the metrics it is computed from.
 */
export function rawMetricNames(exprs: string[], files: RuleFile[]): Set<string> {
  const recorded = new Map(allRules(files).flatMap((r) => (r.record ? [[r.record, r.expr] as const] : [])));
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (expr: string) => {
    for (const name of selectedMetricNames(expr)) {
      const source = recorded.get(name);
      if (source === undefined) out.add(name);
      else if (!seen.has(name)) {
        seen.add(name);
        visit(source);
      }
    }
  };
  exprs.forEach(visit);
  return out;
}

/**
 * A fast copy of the rules for end-to-end tests: every range and every `for:` divided by
 * `factor`, never shorter than `minSeconds` (a range needs at least two scrapes to rate over).
 * The thresholds and the expressions' logic are the real ones.
 */
export function fastRules(files: RuleFile[], factor: number, minSeconds: number): { name: string; yaml: string }[] {
  const scale = (s: number) => Math.max(minSeconds, Math.round(s / factor));
  return files.map((f) => ({
    name: path.basename(f.file),
    yaml: stringify({
      groups: f.groups.map((g) => ({
        ...g,
        ...(g.interval ? { interval: formatDuration(scale(durationSeconds(g.interval))) } : {}),
        rules: g.rules.map((r) => ({
          ...r,
          expr: scaleRanges(r.expr, scale),
          ...(r.for ? { for: formatDuration(durationSeconds(r.for) === 0 ? 0 : scale(durationSeconds(r.for))) } : {}),
          ...(r.keep_firing_for ? { keep_firing_for: formatDuration(scale(durationSeconds(r.keep_firing_for))) } : {}),
        })),
      })),
    }),
  }));
}
