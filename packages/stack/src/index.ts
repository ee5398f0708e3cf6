export { startProcess, type ManagedProcess, type StartProcessOptions } from './process';
export * from './net';
export { poll, type PollOptions } from './poll';
export { resolveTemporalCli, resolveRedisServer } from './tools';
export {
  startStack,
  DEV_SERVER_ARGS,
  DEV_SERVER_DYNAMIC_CONFIG,
  DEV_SERVER_SEARCH_ATTRIBUTES,
  type Stack,
  type StackOptions,
  type ServiceName,
} from './stack';
export {
  runPrometheus,
  runAlertmanager,
  resolvePrometheus,
  resolveAlertmanager,
  MONITORING_INSTALL_HINT,
  type MonitoringProcess,
  type PrometheusOptions,
  type AlertmanagerOptions,
} from './monitoring';
export { startTestStack } from './test-stack';
