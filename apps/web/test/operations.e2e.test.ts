/**
 * An operator submits an operation in the console (real Debian Chromium) and watches it go from
 * pending to confirmed live, then sees the spend in P&L; a bad amount is refused inline.
 */
import type { Browser } from 'playwright-core';
import { poll, startTestStack } from '@blockops/stack';
import { launchChromium } from './support/browser';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({
    env: { RECEIPT_POLL_INTERVAL_MS: '100' },
    // blocks only when the test mines them, so "pending" is observable
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '12'],
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const mine = (blocks: number) =>
  fetch(stack.env.THEBLOCK_RPC_URL!, {
    method: 'POST',
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'dev.mine', params: { blocks } }),
  });

test('submit an operation, watch it go pending → confirmed live, see it in P&L', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${stack.urls.web}/operations`);
  const form = page.getByTestId('operation-form');
  await form.waitFor();

  // bad input: the server's issue shows under its field
  await form.locator('input[name=estimatedCost]').fill('-1');
  await page.getByRole('button', { name: 'Submit operation' }).click();
  await form.locator('[data-error-for="estimatedCost"]').waitFor();

  await form.locator('input[name=operationId]').fill('e2e-op-1');
  await form.locator('select[name=market]').selectOption('compute');
  await form.locator('input[name=estimatedCost]').fill('25');
  await form.locator('input[name=units]').fill('500');
  await page.getByRole('button', { name: 'Submit operation' }).click();
  await page.getByTestId('operation-submitted').filter({ hasText: 'e2e-op-1' }).waitFor();

  const row = (list: string) => page.getByTestId(list).locator('tr[data-operation-id="e2e-op-1"]');
  await row('pending-operations').waitFor();
  expect(await row('pending-operations').getAttribute('data-status')).toBe('SUBMITTED');

  await mine(2); // the receipt: the poller applies it and signals the operation; the page follows the events
  await row('confirmed-operations').waitFor({ timeout: 30_000 });
  expect(await row('confirmed-operations').getAttribute('data-status')).toBe('CONFIRMED');
  await row('pending-operations').waitFor({ state: 'detached' });

  await page.getByRole('link', { name: 'P&L' }).click();
  const compute = page.getByTestId('positions').locator('tr[data-market="compute"]');
  await compute.waitFor();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="positions"] tr[data-market="compute"]')?.getAttribute('data-spent')) > 0,
    null,
    { timeout: 30_000 },
  );
  await page.getByTestId('pnl-chart').waitFor();

  // the other pages render their data
  await page.getByRole('link', { name: 'Receipts' }).click();
  await page.getByTestId('receipts').locator('tbody tr').first().waitFor();
  await page.getByRole('link', { name: 'Network' }).click();
  await page.getByTestId('gates').locator('tr[data-market="compute"][data-gate="Trade"]').waitFor();
  await page.getByTestId('markets').locator('.card').first().waitFor();
  expect(errors).toEqual([]);
});

test('an operation gone EXPIRED before its receipt shows as confirmed late once the receipt lands', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${stack.urls.web}/operations`);
  await page.getByTestId('operation-form').waitFor();

  // the reproduction: a 100 ms deadline and no block before it, so the run ends EXPIRED
  const res = await fetch(`${stack.urls.web}/api/operations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-actor': 'e2e' },
    body: JSON.stringify({ operationId: 'e2e-late-1', market: 'storage', estimatedCost: '9.5', units: 3, confirmTimeoutMs: 100 }),
  });
  expect(res.status).toBe(202);
  await poll(
    async () =>
      ((await (await fetch(`${stack.urls.web}/api/operations/closed?status=EXPIRED`)).json()) as { items: { operationId: string }[] })
        .items,
    { until: (items) => items.some((o) => o.operationId === 'e2e-late-1'), description: 'the operation to expire' },
  );

  await mine(2); // the receipt lands after the operation ended: the poller confirms it late
  const row = page.getByTestId('confirmed-operations').locator('tr[data-operation-id="e2e-late-1"]');
  await row.waitFor({ timeout: 30_000 });
  expect(await row.getAttribute('data-status')).toBe('CONFIRMED');
  expect(await row.getAttribute('data-late')).toBe('true');
  expect(await row.getByTestId('late').textContent()).toContain('late (was EXPIRED)');
  // and it has left the closed list: EXPIRED never hides a charge
  const listed = (await (await fetch(`${stack.urls.web}/api/operations/closed?status=EXPIRED`)).json()) as {
    items: { operationId: string }[];
  };
  expect(listed.items.map((o) => o.operationId)).not.toContain('e2e-late-1');
  expect(errors).toEqual([]);
});
