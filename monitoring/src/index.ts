export * from './paths';
export {
  prometheusConfig,
  alertmanagerConfig,
  CONSOLE_RECEIVER,
  type ScrapeTarget,
  type PrometheusConfigOptions,
  type AlertmanagerConfigOptions,
} from './configs';
export {
  loadRuleFiles,
  fastRules,
  rawMetricNames,
  alertNames,
  recordNames,
  allRules,
  type Rule,
  type RuleFile,
  type RuleGroup,
} from './rules';
export { selectedMetricNames, scaleRanges, durationSeconds, formatDuration, PromqlSyntaxError } from './promql';
export { runTool } from './tools';
export { buildDashboards, dashboardJson, dashboardExprs } from './dashboards';
