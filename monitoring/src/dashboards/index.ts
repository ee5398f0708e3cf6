import { eventsDashboard } from './events';
import { operationsDashboard } from './operations';
import { receiptsDashboard } from './receipts';
import { temporalDashboard } from './temporal';
import { treasuryDashboard } from './treasury';

/** Every dashboard, built: its uid names its JSON file in monitoring/grafana/dashboards. */
export function buildDashboards() {
  return [treasuryDashboard(), receiptsDashboard(), operationsDashboard(), eventsDashboard(), temporalDashboard()].map((b) => {
    const d = b.build();
    // unique panel ids (rows included), in layout order
    (d.panels ?? []).forEach((p, i) => (p.id = i + 1));
    return d;
  });
}

/** The JSON committed for a dashboard (stable: two-space indent, trailing newline). */
export const dashboardJson = (d: ReturnType<typeof buildDashboards>[number]) => JSON.stringify(d, null, 2) + '\n';

/** Every PromQL expression of a dashboard's panels. */
export function dashboardExprs(d: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.expr === 'string') out.push(o.expr);
      Object.values(o).forEach(visit);
    }
  };
  visit(d);
  return out;
}
