import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as common from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';

/** Every panel queries the Prometheus picked in the dashboard's `datasource` variable. */
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** A dashboard with the blockops defaults: datasource variable, tags, refresh, last hour. */
export function blockopsDashboard(uid: string, title: string, description: string) {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['blockops', 'generated'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(new dashboard.DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
}

/** [expr, legend] pairs */
export type Queries = [string, string][];

const targets = (queries: Queries) =>
  queries.map(([expr, legend], i) =>
    new DataqueryBuilder()
      .expr(expr)
      .legendFormat(legend)
      .refId(String.fromCharCode(65 + i)),
  );

/** A time series panel; width in grid units of 24. */
export function timeseries(title: string, queries: Queries, o: { unit?: string; width?: number; description?: string; min?: number } = {}) {
  const p = new TimeseriesBuilder()
    .title(title)
    .datasource(DATASOURCE)
    .unit(o.unit ?? 'short')
    .height(8)
    .span(o.width ?? 12)
    .lineWidth(1)
    .fillOpacity(10);
  if (o.description) p.description(o.description);
  if (o.min !== undefined) p.min(o.min);
  for (const t of targets(queries)) p.withTarget(t);
  return p;
}

/** A single-value panel; `text` maps values to words (e.g. breaker states), `thresholds` colours them. */
export function stat(
  title: string,
  queries: Queries,
  o: {
    unit?: string;
    width?: number;
    description?: string;
    text?: Record<string, [string, string]>;
    thresholds?: [number | null, string][];
  } = {},
) {
  const p = new StatBuilder()
    .title(title)
    .datasource(DATASOURCE)
    .unit(o.unit ?? 'short')
    .height(5)
    .span(o.width ?? 6)
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Background);
  if (o.description) p.description(o.description);
  if (o.text) {
    p.mappings([
      {
        type: dashboard.MappingType.ValueToText,
        options: Object.fromEntries(Object.entries(o.text).map(([v, [text, color]], i) => [v, { text, color, index: i }])),
      },
    ]);
  }
  p.thresholds(
    new dashboard.ThresholdsConfigBuilder()
      .mode(dashboard.ThresholdsMode.Absolute)
      .steps((o.thresholds ?? [[null, 'green']]).map(([value, color]) => ({ value, color }))),
  );
  for (const t of targets(queries)) p.withTarget(t);
  return p;
}

export const row = (title: string) => new dashboard.RowBuilder(title);
