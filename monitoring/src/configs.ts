import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { ALERTMANAGER_CONFIG } from './paths';
import { durationSeconds, formatDuration } from './promql';

/** One scrape job: `service` becomes a label on every series and on TargetDown, for inhibition. */
export interface ScrapeTarget {
  job: string;
  service: string;
  /** host:port */
  targets: string[];
  metricsPath?: string;
}

export interface PrometheusConfigOptions {
  scrapeTargets: ScrapeTarget[];
  /** rule file globs or paths */
  ruleFiles: string[];
  /** host:port of each Alertmanager */
  alertmanagers: string[];
  scrapeInterval?: string;
  evaluationInterval?: string;
}

/** The Prometheus config for a stack whose ports are known only at start (npm start, tests). */
export function prometheusConfig(o: PrometheusConfigOptions): string {
  return stringify({
    global: {
      scrape_interval: o.scrapeInterval ?? '10s',
      // a scrape may take at most its interval
      scrape_timeout: formatDuration(Math.min(10, durationSeconds(o.scrapeInterval ?? '10s'))),
      evaluation_interval: o.evaluationInterval ?? '10s',
    },
    rule_files: o.ruleFiles,
    alerting: o.alertmanagers.length ? { alertmanagers: [{ static_configs: [{ targets: o.alertmanagers }] }] } : undefined,
    scrape_configs: o.scrapeTargets.map((t) => ({
      job_name: t.job,
      metrics_path: t.metricsPath ?? '/metrics',
      static_configs: [{ targets: t.targets, labels: { service: t.service } }],
    })),
  });
}

export interface AlertmanagerConfigOptions {
  /** where the console's webhook listens, e.g. http://127.0.0.1:3000/api/alerts/webhook */
  webhookUrl: string;
  /** a file holding the webhook's bearer token (ALERTS_WEBHOOK_TOKEN), when the console checks one */
  credentialsFile?: string;
  /** shorter grouping for tests */
  timing?: { groupWait: string; groupInterval: string; repeatInterval: string };
}

export const CONSOLE_RECEIVER = 'blockops-console';

type Route = { receiver?: string; group_wait?: string; group_interval?: string; repeat_interval?: string; routes?: Route[] };

/**
 * monitoring/alertmanager.yml with the console receiver pointed at this stack's web process (and
 * its bearer token file); every route, grouping and inhibition is the committed one.
 */
export function alertmanagerConfig(o: AlertmanagerConfigOptions, source = ALERTMANAGER_CONFIG): string {
  const config = parse(readFileSync(source, 'utf8')) as {
    route: Route;
    receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[];
  };
  const receiver = config.receivers.find((r) => r.name === CONSOLE_RECEIVER);
  if (!receiver?.webhook_configs?.length) throw new Error(`${source}: no webhook receiver named ${CONSOLE_RECEIVER}`);
  receiver.webhook_configs = receiver.webhook_configs.map((w) => ({
    ...w,
    url: o.webhookUrl,
    ...(o.credentialsFile ? { http_config: { authorization: { type: 'Bearer', credentials_file: o.credentialsFile } } } : {}),
  }));
  if (o.timing) {
    const t = o.timing;
    const retime = (r: Route) => {
      if (r.group_wait) r.group_wait = t.groupWait;
      if (r.group_interval) r.group_interval = t.groupInterval;
      if (r.repeat_interval) r.repeat_interval = t.repeatInterval;
      r.routes?.forEach(retime);
    };
    retime(config.route);
    Object.assign(config.route, { group_wait: t.groupWait, group_interval: t.groupInterval, repeat_interval: t.repeatInterval });
  }
  return stringify(config);
}
