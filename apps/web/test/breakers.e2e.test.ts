/**
 * The breakers panel in a real Chromium on the whole stack: on every page; an operator forces the
 * breaker open with a reason and chain writes stop (an operation is answered 503 in the form);
 * changes made elsewhere (an API reset, failures seen by the worker, the open period ending) show
 * live, without a reload, with the countdown to half-open.
 */
import type { Browser, Page } from 'playwright-core';
import { startTestStack } from '@blockops/stack';
import { launchChromium } from './support/browser';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
let browser: Browser;
const OPEN_MS = 6000;

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      RECEIPT_POLL_INTERVAL_MS: '100',
      BREAKER_OPEN_MS: String(OPEN_MS),
      BREAKER_HALF_OPEN_PROBES: '1',
      BREAKER_PROBE_LEASE_MS: '2000',
      THEBLOCK_RPC_TIMEOUT_MS: '1000',
    },
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '23'],
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const rpc = (method: string, params?: unknown) =>
  fetch(stack.env.THEBLOCK_RPC_URL!, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
const post = (path: string, body: unknown) =>
  fetch(`${stack.urls.web}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const breaker = (page: Page) => page.getByTestId('breakers-panel').locator('[data-breaker="theblock"]');
const inState = (page: Page, state: string, timeout = 15_000) =>
  page.getByTestId('breakers-panel').locator(`[data-breaker="theblock"][data-state="${state}"]`).waitFor({ timeout });

test('the panel is on every page; force open with a reason stops chain writes; changes elsewhere show live', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${stack.urls.web}/`);
  await inState(page, 'closed');
  expect(await breaker(page).getByTestId('breaker-failures').textContent()).toBe('failures 0/5 in 300 s');
  const visit = async (link: string, path: string) => {
    await page.getByRole('link', { name: link, exact: true }).click();
    await page.waitForURL(`**${path}`);
    await page.locator('main').first().waitFor();
  };
  for (const [link, path] of [
    ['P&L', '/pnl'],
    ['Network', '/network'],
    ['Audit', '/audit'],
    ['Operations', '/operations'],
  ] as const) {
    await visit(link, path);
    await inState(page, 'closed');
  }

  // force open from the console: a reason is required
  await breaker(page).getByRole('button', { name: 'Force open' }).click();
  const confirm = breaker(page).getByRole('button', { name: 'Confirm force open' });
  expect(await confirm.isDisabled()).toBe(true);
  await breaker(page).getByLabel('Reason').fill('e2e: node maintenance');
  await confirm.click();
  await inState(page, 'forced_open');
  expect(await breaker(page).getByTestId('breaker-reason').textContent()).toContain('e2e: node maintenance');

  // chain writes stop: the operation form is answered 503, naming the breaker
  const form = page.getByTestId('operation-form');
  await form.locator('input[name=operationId]').fill('e2e-breaker-1');
  await form.locator('select[name=market]').selectOption('compute');
  await form.locator('input[name=estimatedCost]').fill('5');
  await page.getByRole('button', { name: 'Submit operation' }).click();
  const refusal = form.getByTestId('operation-refusal');
  await refusal.waitFor();
  expect(await refusal.textContent()).toContain('Unavailable, nothing submitted (503)');
  expect(await refusal.textContent()).toContain('circuit breaker theblock forced open');

  // reset through the API: the page follows the event
  await post('/api/breakers/theblock/reset', { reason: 'e2e: done' });
  await inState(page, 'closed');

  // failures seen by the worker open it; the panel counts down to half-open, then shows it, live
  await rpc('dev.set_fault', { method: 'compute_market.submit_job', error_rate: 1 });
  await post('/api/operations', { operationId: 'e2e-fail-1', market: 'compute', estimatedCost: '1' });
  await post('/api/operations', { operationId: 'e2e-fail-2', market: 'compute', estimatedCost: '1' });
  await rpc('dev.clear_faults');
  await inState(page, 'open');
  expect(await breaker(page).getByTestId('breaker-countdown').textContent()).toMatch(/^half-open in \d+ s/);
  await inState(page, 'half_open', OPEN_MS + 10_000);
  expect(await post('/api/operations', { operationId: 'e2e-ok-1', market: 'compute', estimatedCost: '1' }).then((r) => r.status)).toBe(202);
  expect(await post('/api/operations', { operationId: 'e2e-ok-2', market: 'compute', estimatedCost: '1' }).then((r) => r.status)).toBe(202);
  await inState(page, 'closed');
  expect(errors).toEqual([]);
});
