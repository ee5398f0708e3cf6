/**
 * Prometheus and Alertmanager configs: the committed ones (docker-compose) and the ones generated
 * for `npm start` and the tests pass promtool/amtool, agree on job names and service labels, and
 * Alertmanager only names alerts that exist.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  ALERTMANAGER_CONFIG,
  CONSOLE_RECEIVER,
  PROMETHEUS_CONFIG,
  RULES_DIR,
  alertNames,
  alertmanagerConfig,
  loadRuleFiles,
  prometheusConfig,
  runTool,
} from '../src';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'blockops-monitoring-config-'));
const write = (name: string, text: string) => {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
};
const check = (tool: 'promtool' | 'amtool', args: string[]) => {
  const res = runTool(tool, args);
  if (res.code !== 0) throw new Error(res.output);
  return res.output;
};

type ScrapeConfig = { job_name: string; static_configs: { labels?: Record<string, string> }[] };
const jobsAndServices = (config: { scrape_configs: ScrapeConfig[] }) =>
  Object.fromEntries(config.scrape_configs.map((c) => [c.job_name, c.static_configs[0]?.labels?.service])).valueOf();

/** The targets packages/stack scrapes under `npm start` (ports made up). */
const LOCAL = [
  { job: 'temporal', service: 'temporal', targets: ['127.0.0.1:8234'] },
  { job: 'blockops-devnet', service: 'devnet', targets: ['127.0.0.1:9933'] },
  { job: 'blockops-worker', service: 'worker', targets: ['127.0.0.1:9464'] },
  { job: 'blockops-web', service: 'web', targets: ['127.0.0.1:3000'] },
  { job: 'alertmanager', service: 'monitoring', targets: ['127.0.0.1:9093'] },
  { job: 'prometheus', service: 'monitoring', targets: ['127.0.0.1:9090'] },
];

describe('Prometheus config', () => {
  it('monitoring/prometheus.yml (docker-compose) passes promtool check config', () => {
    expect(check('promtool', ['check', 'config', PROMETHEUS_CONFIG])).toMatch(/SUCCESS/);
  });

  it('the generated local config passes promtool check config and loads every rule file', () => {
    const text = prometheusConfig({
      scrapeTargets: LOCAL,
      ruleFiles: [path.join(RULES_DIR, '*.yml')],
      alertmanagers: ['127.0.0.1:9093'],
      scrapeInterval: '1s',
      evaluationInterval: '1s',
    });
    const out = check('promtool', ['check', 'config', write('prometheus.yml', text)]);
    for (const f of loadRuleFiles()) expect(out).toContain(path.basename(f.file));
    expect((parse(text) as { global: { scrape_timeout: string } }).global.scrape_timeout).toBe('1s');
  });

  it('names the same jobs with the same service labels in docker-compose and npm start', () => {
    const committed = jobsAndServices(parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')));
    const local = jobsAndServices(parse(prometheusConfig({ scrapeTargets: LOCAL, ruleFiles: [], alertmanagers: [] })));
    expect(committed).toEqual(local);
  });
});

describe('Alertmanager config', () => {
  const committed = parse(readFileSync(ALERTMANAGER_CONFIG, 'utf8'));

  it('monitoring/alertmanager.yml passes amtool check-config', () => {
    expect(check('amtool', ['check-config', ALERTMANAGER_CONFIG])).toMatch(/SUCCESS/);
  });

  it('its commented PagerDuty and Slack receivers are valid once uncommented', () => {
    const text = readFileSync(ALERTMANAGER_CONFIG, 'utf8')
      .split('\n')
      .map((l) => l.replace(/^ {2}# - name/, '  - name').replace(/^ {2}# {3}/, '    '))
      .join('\n');
    const out = check('amtool', ['check-config', write('uncommented.yml', text)]);
    expect(out).toMatch(/3 receivers/);
    expect(text).toMatch(/routing_key_file: /);
    expect(text).toMatch(/api_url_file: /);
  });

  it('routes by severity to the console receiver, which needs no secret', () => {
    expect(committed.route.receiver).toBe(CONSOLE_RECEIVER);
    const severities = committed.route.routes.map((r: { matchers: string[] }) => r.matchers.join());
    expect(severities).toEqual(['severity="critical"', 'severity="warning"']);
    const consoleReceiver = committed.receivers.find((r: { name: string }) => r.name === CONSOLE_RECEIVER);
    expect(consoleReceiver.webhook_configs[0]).toMatchObject({
      url: expect.stringMatching(/\/api\/alerts\/webhook$/),
      send_resolved: true,
    });
    expect(JSON.stringify(committed)).not.toMatch(/routing_key:|api_url:|credentials:/);
  });

  it('inhibits only with alert names that exist in the rules', () => {
    const alerts = new Set(alertNames(loadRuleFiles()));
    const named = (committed.inhibit_rules as { source_matchers: string[]; target_matchers: string[] }[])
      .flatMap((r) => [...r.source_matchers, ...r.target_matchers])
      .flatMap((m) => {
        const match = /^alertname(=~|!=|=)"(.*)"$/.exec(m);
        return match ? match[2]!.split('|') : [];
      });
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !alerts.has(n))).toEqual([]);
  });

  it('the copy generated for a stack points at its console, with the token file and short timing', () => {
    const text = alertmanagerConfig({
      webhookUrl: 'http://127.0.0.1:43210/api/alerts/webhook',
      credentialsFile: path.join(tmp, 'token'),
      timing: { groupWait: '1s', groupInterval: '2s', repeatInterval: '1m' },
    });
    check('amtool', ['check-config', write('generated.yml', text)]);
    const generated = parse(text);
    const hook = generated.receivers.find((r: { name: string }) => r.name === CONSOLE_RECEIVER).webhook_configs[0];
    expect(hook.url).toBe('http://127.0.0.1:43210/api/alerts/webhook');
    expect(hook.http_config.authorization).toEqual({ type: 'Bearer', credentials_file: path.join(tmp, 'token') });
    expect(generated.route).toMatchObject({ group_wait: '1s', group_interval: '2s', repeat_interval: '1m' });
    expect(generated.route.routes[0]).toMatchObject({ group_wait: '1s', group_interval: '2s', repeat_interval: '1m' });
    expect(generated.inhibit_rules).toEqual(committed.inhibit_rules);
  });
});
