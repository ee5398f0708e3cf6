/**
 * Grafana dashboards are code (monitoring/src/dashboards, @grafana/grafana-foundation-sdk): the
 * committed JSON is exactly what the code generates, and every query parses and reads only
 * metrics or recording rules that exist.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DASHBOARDS_DIR, buildDashboards, dashboardExprs, dashboardJson, loadRuleFiles, recordNames, selectedMetricNames } from '../src';

const built = buildDashboards();

it('the committed JSON equals the generated (npm run dashboards -w @blockops/monitoring)', () => {
  const committed = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'));
  expect(committed.sort()).toEqual(built.map((d) => `${d.uid}.json`).sort());
  for (const d of built) expect(readFileSync(path.join(DASHBOARDS_DIR, `${d.uid}.json`), 'utf8')).toBe(dashboardJson(d));
});

it('covers the treasury executor, receipts & P&L, operations, events/realtime and Temporal', () => {
  expect(built.map((d) => d.uid).sort()).toEqual([
    'blockops-events',
    'blockops-operations',
    'blockops-receipts-pnl',
    'blockops-temporal',
    'blockops-treasury',
  ]);
});

describe.each(built.map((d) => [d.uid, d] as const))('%s', (_uid, d) => {
  it('has panels with queries on the datasource variable and unique ids', () => {
    const panels = (d.panels ?? []).filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(3);
    for (const p of panels) {
      expect((p as { targets?: unknown[] }).targets?.length).toBeGreaterThan(0);
      expect((p as { datasource?: { uid?: string } }).datasource?.uid).toBe('${datasource}');
    }
    const ids = (d.panels ?? []).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('queries parse and read only recording rules that exist', () => {
    const records = new Set(recordNames(loadRuleFiles()));
    const exprs = dashboardExprs(d);
    expect(exprs.length).toBeGreaterThan(3);
    for (const expr of exprs) {
      for (const name of selectedMetricNames(expr)) if (name.includes(':')) expect(records).toContain(name);
    }
  });
});
