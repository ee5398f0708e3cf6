/**
 * The operator's path in a real browser (Debian Chromium, headless): open the console, start a
 * run, watch its live events arrive, follow its Temporal Web link.
 */
import type { Browser } from 'playwright-core';
import { startTestStack } from '@blockops/stack';
import { launchChromium, pastItsPanel } from './support/browser';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('start a run in the console, see its live events, open it in Temporal Web', async () => {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  // the security headers (CSP) must not block anything the console needs
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) consoleErrors.push(msg.text());
  });
  await page.goto(stack.urls.web!);
  await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor();

  await page.locator('select[name=workflowType]').selectOption('networkCheck');
  await page.locator('input[name=minPeers]').fill('1');
  await page.getByRole('button', { name: 'Start run' }).click();
  const started = page.getByTestId('started');
  await started.waitFor();
  const workflowId = (await started.locator('a').first().textContent())!.trim();
  expect(workflowId).toMatch(/^network-check-/);

  const feed = page.getByTestId('event-feed');
  const row = (type: string) => feed.locator(`li[data-type="${type}"][data-workflow="${workflowId}"]`);
  await row('execution_completed').waitFor({ timeout: 30_000 });
  for (const type of ['execution_started', 'node_started', 'node_completed']) {
    expect(await row(type).count()).toBeGreaterThan(0);
  }

  // The runs list shows it; at a laptop's 1440 px every column fits the panel (narrower, the list scrolls sideways).
  await page.getByTestId('runs').getByRole('link', { name: workflowId }).waitFor({ timeout: 30_000 });
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(await pastItsPanel(page.getByTestId('runs'))).toBe(0);

  // The run page replays its timeline and shows the result.
  await started.locator('a').first().click();
  await page.getByTestId('run-status').filter({ hasText: 'COMPLETED' }).waitFor({ timeout: 30_000 });
  await page.getByTestId('run-result').waitFor();
  await page.locator('li[data-type="execution_completed"]').waitFor();
  expect(await page.locator('li[data-type="node_completed"]').count()).toBe(2);

  // Follow the Temporal Web link: Temporal's UI shows this very run (its workflow id and run id).
  const href = await page.getByTestId('temporal-link').getAttribute('href');
  const runId = /\/workflows\/[^/]+\/([^/]+)\/history$/.exec(href ?? '')?.[1];
  expect(href).toContain(`/workflows/${workflowId}/`);
  expect(runId).toMatch(/^[0-9a-f-]{36}$/);
  const temporal = await browser.newPage();
  const res = await temporal.goto(href!);
  expect(res?.status()).toBe(200);
  await temporal.getByText(workflowId, { exact: true }).first().waitFor({ timeout: 30_000 });
  await temporal.getByText(runId!, { exact: true }).first().waitFor({ timeout: 30_000 });
  expect(consoleErrors).toEqual([]);
});

test('invalid input is shown inline by its field', async () => {
  const page = await browser.newPage();
  await page.goto(stack.urls.web!);
  await page.locator('select[name=workflowType]').selectOption('networkCheck');
  await page.locator('input[name=minStrength]').fill('500');
  await page.getByRole('button', { name: 'Start run' }).click();
  await page.locator('input[name=minStrength][aria-invalid=true]').waitFor();
  expect(await page.locator('.error').first().textContent()).toContain('100');
});
