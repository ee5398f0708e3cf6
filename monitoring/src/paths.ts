import path from 'node:path';

/** The monitoring/ folder: configs, rules, rule tests, Grafana provisioning and dashboards. */
export const MONITORING_DIR = path.resolve(__dirname, '..');
export const RULES_DIR = path.join(MONITORING_DIR, 'rules');
export const RULE_TESTS_DIR = path.join(MONITORING_DIR, 'rule-tests');
export const ALERTMANAGER_CONFIG = path.join(MONITORING_DIR, 'alertmanager.yml');
export const PROMETHEUS_CONFIG = path.join(MONITORING_DIR, 'prometheus.yml');
export const DASHBOARDS_DIR = path.join(MONITORING_DIR, 'grafana/dashboards');
export const RUNBOOKS_DIR = path.resolve(MONITORING_DIR, '../docs/runbooks');
