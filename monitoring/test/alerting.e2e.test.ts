/**
 * An alert's whole path on a real stack: Debian's Prometheus scrapes the real worker (1 s scrapes
 * and evaluations, a copy of the rules with every range and `for:` divided by 30), the receipt
 * poller is stopped, ReceiptPollerStalled fires, Alertmanager delivers it to the console's webhook
 * (bearer token, auth on), and the console's alerts API and panel (headless Chromium) show it;
 * the poller is restarted and the alert resolves everywhere. Then the same path for the shared
 * circuit breaker: forced open from the API, TreasuryCircuitBreakerOpen fires and reaches the
 * console; reset, it resolves.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { Client, Connection } from '@temporalio/client';
import { startTestStack } from '@blockops/stack';
import { fastRules, loadRuleFiles } from '../src';
import { launchChromium } from '../../apps/web/test/support/browser';
import { ensureReceiptPoller } from '../../apps/worker/src/singletons';

const OPERATOR = 'operator-key-for-alerting-e2e';
const VIEWER = 'viewer-key-for-alerting-e2e-1';
const WEBHOOK_TOKEN = 'alertmanager-webhook-token-e2e';
const ALERT = 'ReceiptPollerStalled';
/** 5 min → 10 s: short enough for a test, long enough that a loaded CI machine's pauses do not fire it. */
const SPEEDUP = 30;
const POLLER_INPUT = { pollIntervalMs: 200, batchSize: 1000, batchTimeoutMs: 60_000 };

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
let browser: Browser;
let temporal: Client;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}
const prometheusAlerts = async (name = ALERT) =>
  ((await (await fetch(`${stack.urls.prometheus}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } }).data.alerts.filter(
    (a) => a.labels.alertname === name,
  );
const alertmanagerAlerts = async (name = ALERT) =>
  (
    (await (await fetch(`${stack.urls.alertmanager}/api/v2/alerts?filter=alertname%3D%22${name}%22`)).json()) as {
      status: { state: string };
    }[]
  ).filter((a) => a.status.state === 'active');
const consoleAlerts = async () => {
  const res = await fetch(`${stack.urls.web}/api/alerts?history=20`, { headers: { authorization: `Bearer ${VIEWER}` } });
  if (res.status !== 200) throw new Error(`GET /api/alerts: ${res.status}`);
  return (await res.json()) as {
    firing: { name: string; status: string; severity?: string; summary?: string; runbookUrl?: string }[];
    history: { name: string; status: string }[];
  };
};

beforeAll(async () => {
  const rulesDir = mkdtempSync(path.join(os.tmpdir(), 'blockops-fast-rules-'));
  for (const f of fastRules(loadRuleFiles(), SPEEDUP, 4)) writeFileSync(path.join(rulesDir, f.name), f.yaml);
  stack = await startTestStack({
    services: ['redis', 'temporal', 'devnet', 'worker', 'web', 'alertmanager', 'prometheus'],
    env: {
      BLOCKOPS_OPERATOR_KEY: OPERATOR,
      BLOCKOPS_VIEWER_KEY: VIEWER,
      ALERTS_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      RECEIPT_POLL_INTERVAL_MS: String(POLLER_INPUT.pollIntervalMs),
    },
    monitoring: {
      scrapeInterval: '1s',
      evaluationInterval: '1s',
      resendDelay: '1s',
      ruleFiles: [path.join(rulesDir, '*.yml')],
      alertmanagerTiming: { groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' },
    },
  });
  temporal = new Client({ connection: await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! }) });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await temporal?.connection.close();
  await stack?.stop();
});

test('stopping the receipt poller fires ReceiptPollerStalled through Alertmanager to the console; restarting it resolves it', async () => {
  // healthy: the poller completes batches, and over 25 evaluations (longer than the fast rule's
  // 10 s range + 10 s `for:`) the alert never fired
  const query = async (q: string) =>
    (
      (await (await fetch(`${stack.urls.prometheus}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
        data: { result: { value: [number, string] }[] };
      }
    ).data.result;
  await until('the worker to be scraped with poller batches', async () =>
    Number((await query('sum(increase(receipt_poller_cycles[10s]))'))[0]?.value[1] ?? 0) > 0 ? true : undefined,
  );
  await until('a dozen evaluations of the receipts rules', async () =>
    Number((await query('sum(prometheus_rule_evaluations_total{rule_group=~".*;receipts"})'))[0]?.value[1] ?? 0) >= 12 * 7
      ? true
      : undefined,
  );
  expect(await query(`count_over_time(ALERTS{alertname="${ALERT}"}[10m])`)).toEqual([]);
  expect(await prometheusAlerts()).toEqual([]);
  expect((await consoleAlerts()).firing.map((a) => a.name)).not.toContain(ALERT);

  // the console's panel, as an operator sees it (viewer key in the key box's storage)
  const page = await browser.newPage();
  await page.addInitScript(`window.localStorage.setItem('blockops.apiKey', ${JSON.stringify(VIEWER)})`);
  await page.goto(stack.urls.web!);
  await page.getByTestId('alerts-panel').waitFor();
  expect(await page.locator(`[data-testid=alert][data-alertname=${ALERT}]`).count()).toBe(0);

  // stop the poller
  await temporal.workflow.getHandle('receipt-poller').terminate('alerting e2e: stop the receipt poller');

  await until('Prometheus to fire the alert', async () =>
    (await prometheusAlerts()).some((a) => a.state === 'firing') ? true : undefined,
  );
  await until('Alertmanager to hold it', async () => ((await alertmanagerAlerts()).length > 0 ? true : undefined));
  const fired = await until('the console to record it', async () => (await consoleAlerts()).firing.find((a) => a.name === ALERT));
  expect(fired).toMatchObject({
    status: 'firing',
    severity: 'critical',
    summary: 'The receipt poller has not completed a batch for 10 minutes',
    runbookUrl: 'docs/runbooks/ReceiptPollerStalled.md',
  });
  const shown = page.locator(`[data-testid=alert][data-alertname=${ALERT}]`);
  await shown.waitFor({ timeout: 30_000 });
  expect(await shown.textContent()).toContain('docs/runbooks/ReceiptPollerStalled.md');
  await page
    .getByTestId('alerts-count')
    .filter({ hasText: /[1-9]\d* firing/ })
    .waitFor();

  // restore it the way a worker does at start
  expect(
    await ensureReceiptPoller({
      address: stack.env.TEMPORAL_ADDRESS!,
      namespace: 'default',
      taskQueue: stack.names.taskQueue,
      input: POLLER_INPUT,
    }),
  ).toBe('started');

  await until('Prometheus to resolve it', async () => ((await prometheusAlerts()).length === 0 ? true : undefined));
  await until('Alertmanager to resolve it', async () => ((await alertmanagerAlerts()).length === 0 ? true : undefined));
  const after = await until('the console to record the resolution', async () => {
    const a = await consoleAlerts();
    return a.firing.some((x) => x.name === ALERT) ? undefined : a;
  });
  expect(after.history.filter((h) => h.name === ALERT).map((h) => h.status)).toEqual(['resolved', 'firing']);
  await shown.waitFor({ state: 'detached', timeout: 30_000 });
  await page.close();
});

test('the chain breaker forced open fires TreasuryCircuitBreakerOpen through Alertmanager to the console; reset resolves it', async () => {
  const name = 'TreasuryCircuitBreakerOpen';
  const control = async (action: 'force-open' | 'reset') => {
    const res = await fetch(`${stack.urls.web}/api/breakers/theblock/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR}`, 'x-actor': 'alerting-e2e' },
      body: JSON.stringify({ reason: `alerting e2e: ${action}` }),
    });
    expect(res.status).toBe(200);
  };
  expect(await prometheusAlerts(name)).toEqual([]);
  await control('force-open');
  try {
    await until('Prometheus to fire it', async () => ((await prometheusAlerts(name)).some((a) => a.state === 'firing') ? true : undefined));
    await until('Alertmanager to hold it', async () => ((await alertmanagerAlerts(name)).length > 0 ? true : undefined));
    const fired = await until('the console to record it', async () => (await consoleAlerts()).firing.find((a) => a.name === name));
    expect(fired).toMatchObject({
      status: 'firing',
      severity: 'critical',
      summary: 'Circuit breaker theblock is OPEN: no chain writes go out',
      runbookUrl: 'docs/runbooks/TreasuryCircuitBreakerOpen.md',
    });
  } finally {
    await control('reset');
  }
  await until('Prometheus to resolve it', async () => ((await prometheusAlerts(name)).length === 0 ? true : undefined));
  await until('Alertmanager to resolve it', async () => ((await alertmanagerAlerts(name)).length === 0 ? true : undefined));
  const after = await until('the console to record the resolution', async () => {
    const a = await consoleAlerts();
    return a.firing.some((x) => x.name === name) ? undefined : a;
  });
  expect(after.history.filter((h) => h.name === name).map((h) => h.status)).toEqual(['resolved', 'firing']);
});
