/**
 * An operator halts everything from the console (real Debian Chromium), sees the banner with the
 * reason on another page, is refused a new operation, and resumes; and changes the treasury
 * throttle from the same page.
 */
import type { Browser } from 'playwright-core';
import { startTestStack } from '@blockops/stack';
import { launchChromium, pastItsPanel } from './support/browser';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({
    env: { RECEIPT_POLL_INTERVAL_MS: '200' },
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '14'],
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('halt from the console, the banner follows to every page, resume clears it', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${stack.urls.web}/emergency`);
  await page.getByTestId('emergency-state').filter({ hasText: 'NORMAL' }).waitFor();
  // three gauges: daily loss, max position, max drawdown
  await page.getByTestId('risk-gauges').locator('.gauge').nth(2).waitFor();

  await page.getByRole('button', { name: 'HALT', exact: true }).click();
  const confirm = page.getByRole('button', { name: 'Confirm HALT' });
  expect(await confirm.isDisabled()).toBe(true); // no reason, no halt
  await page.locator('.emergency-confirm input[name=reason]').fill('e2e: suspicious activity');
  await confirm.click();
  await page.getByTestId('emergency-state').filter({ hasText: 'HALT' }).waitFor();
  await page.getByTestId('emergency-history').getByText('e2e: suspicious activity').waitFor();
  // the history is whole inside its panel, not cut off at the card's edge
  expect(await pastItsPanel(page.getByTestId('emergency-history'))).toBe(0);

  // another page: the banner says so, with the reason; an operation is refused naming the halt
  const other = await browser.newPage();
  await other.goto(`${stack.urls.web}/operations`);
  const banner = other.getByTestId('emergency-banner');
  await banner.filter({ hasText: 'e2e: suspicious activity' }).waitFor();
  expect(await banner.getAttribute('data-state')).toBe('HALT');
  const form = other.getByTestId('operation-form');
  await form.locator('input[name=estimatedCost]').fill('5');
  await other.getByRole('button', { name: 'Submit operation' }).click();
  await other.getByText(/halted: the emergency controller is in HALT \(e2e: suspicious activity\)/).waitFor();

  // resume from the first page; the banner on the other goes away live
  await page.getByRole('button', { name: 'RESUME', exact: true }).click();
  await page.locator('.emergency-confirm input[name=reason]').fill('e2e: all clear');
  await page.getByRole('button', { name: 'Confirm RESUME' }).click();
  await page.getByTestId('emergency-state').filter({ hasText: 'NORMAL' }).waitFor();
  await banner.waitFor({ state: 'detached' });
  expect(errors).toEqual([]);
});

test('the treasury throttle is changed from the emergency page, audited with the reason', async () => {
  const page = await browser.newPage();
  await page.goto(`${stack.urls.web}/emergency`);
  const form = page.getByTestId('throttle-form');
  await form.getByTestId('throttle-now').waitFor();
  await form.locator('input[name=maxInFlightChunks]').fill('2');
  await form.locator('input[name=chunkSize]').fill('100');
  await form.locator('input[name=reason]').fill('e2e: slow down while the node is busy');
  await form.getByRole('button', { name: 'Change throttle' }).click();
  // the PUT's own answer (not a throttle read on load) is what the page confirms
  await form.getByText(/^Throttle changed/).waitFor();
  await form.getByTestId('throttle-now').filter({ hasText: 'now 2 chunks × 100 items' }).waitFor();
  const throttle = (await (await fetch(`${stack.urls.web}/api/disbursements/throttle`)).json()) as Record<string, unknown>;
  expect(throttle).toMatchObject({ maxInFlightChunks: 2, chunkSize: 100, reason: 'e2e: slow down while the node is busy' });
  const audit = (await (await fetch(`${stack.urls.web}/api/audit?limit=20`)).json()) as { entries: Record<string, unknown>[] };
  expect(audit.entries).toContainEqual(
    expect.objectContaining({ action: 'treasury.throttle', outcome: 'accepted', reason: 'e2e: slow down while the node is busy' }),
  );
  await page.close();
});
