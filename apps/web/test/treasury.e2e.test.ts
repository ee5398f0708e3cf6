/**
 * The treasury console in a real browser (Debian Chromium, headless) against the whole stack:
 * a refused batch shows every problem by item id (a cycle by its path); a small batch with
 * dependencies, one item to a destination the node refuses, executes live in the DAG view — the
 * rest turns green, the refused item and its dependents are cancelled — and a cancelled dependent
 * leads to its root cause.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
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

const rpc = async (method: string, params: unknown) => {
  const res = await fetch(stack.env.THEBLOCK_RPC_URL!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
};

async function pasteBatch(page: Page, batch: unknown) {
  const area = page.locator('textarea[name=batch]');
  await area.fill(JSON.stringify(batch, null, 2));
}

const statusesIn = (page: Page) =>
  page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll('[data-testid="dag-panel"] .dag-item')).map((el) => [
        el.getAttribute('data-item-id'),
        el.getAttribute('data-status'),
      ]),
    ),
  );

test('submit a batch, watch its DAG turn green live, follow a cancelled item to its root cause', async () => {
  const run = randomUUID().slice(0, 6);
  const id = (name: string) => `${run}-${name}`;
  const refused = `0xdead${run.replace(/[^0-9a-f]/g, '0').slice(0, 4)}`;
  await rpc('dev.reject_destination', { destination: refused, reason: 'sanctioned address (e2e)' });

  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${stack.urls.web}/treasury`);
  await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor();

  // A bad batch: every problem comes back, each under its item id; a cycle shows its path.
  await pasteBatch(page, {
    items: [
      { id: id('c1'), destination: '0xabcd01', amount: '1', memo: `depends_on=${id('c2')}` },
      { id: id('c2'), destination: '0xabcd02', amount: '1', memo: JSON.stringify({ depends_on: [id('c1')] }) },
      { id: id('lost'), destination: '0xabcd03', amount: '1', memo: `depends_on=${id('nowhere')}` },
      { id: id('neg'), destination: '0xabcd04', amount: '-5' },
    ],
  });
  await page.getByTestId('batch-preview').filter({ hasText: '4 items' }).waitFor();
  await page.getByRole('button', { name: 'Submit batch' }).click();
  const issues = page.getByTestId('batch-issues');
  await issues.waitFor();
  for (const bad of ['lost', 'neg']) await issues.locator(`li[data-issue-id="${id(bad)}"]`).waitFor();
  const cycle = await issues.getByTestId('cycle-path').first().textContent();
  expect(cycle).toContain(id('c1'));
  expect(cycle).toContain(id('c2'));
  expect(await page.getByTestId('batch-refusal').textContent()).toContain('400');

  // The real batch: a diamond (a → b, a → c, b + c → d), and `bad` (refused by the node) with two
  // dependents in a chain, which are cancelled with `bad` as their root cause.
  const batchId = `e2e-${run}`;
  const dest = (n: number) => `0xbeef${String(n).padStart(2, '0')}`;
  const items = [
    { id: id('a'), destination: dest(1), amount: '10.50' },
    { id: id('b'), destination: dest(2), amount: '2', memo: `depends_on=${id('a')}` },
    { id: id('c'), destination: dest(3), amount: '3.25', memo: JSON.stringify({ depends_on: [id('a')] }) },
    { id: id('d'), destination: dest(4), amount: '4', memo: `depends_on=${id('b')},${id('c')}` },
    { id: id('bad'), destination: refused, amount: '5', memo: `depends_on=${id('a')}` },
    { id: id('bad-child'), destination: dest(6), amount: '6', memo: `depends_on=${id('bad')}` },
    { id: id('bad-grandchild'), destination: dest(7), amount: '7', memo: `depends_on=${id('bad-child')},${id('d')}` },
  ];
  await pasteBatch(page, { batchId, items });
  await page.getByTestId('batch-preview').filter({ hasText: '7 items' }).waitFor();
  await page.getByRole('button', { name: 'Submit batch' }).click();
  const accepted = page.getByTestId('batch-accepted');
  await accepted.waitFor();
  expect(await accepted.getAttribute('data-batch-id')).toBe(batchId);
  await page.getByTestId('batches').locator(`tr[data-batch-id="${batchId}"]`).waitFor();
  // every column of the batches list shows inside its card (amounts, created time, the Temporal link)
  expect(await pastItsPanel(page.getByTestId('batches'))).toBe(0);

  await accepted.getByRole('link', { name: 'watch it live →' }).click();
  await page.waitForURL(`**/treasury/${batchId}`);
  await page.locator('[data-testid="dag-panel"][data-layout="items"] .dag-item').first().waitFor({ timeout: 30_000 });
  expect(await page.locator('[data-testid="dag-panel"] .dag-item').count()).toBe(items.length);
  // a→b, a→c, b→d, c→d, a→bad, bad→bad-child, bad-child→bad-grandchild, d→bad-grandchild
  expect(await page.locator('.react-flow__edge').count()).toBe(8);

  // The DAG turns green live: the good items EXECUTED, the refused one and its dependents CANCELLED.
  const expected = {
    [id('a')]: 'EXECUTED',
    [id('b')]: 'EXECUTED',
    [id('c')]: 'EXECUTED',
    [id('d')]: 'EXECUTED',
    [id('bad')]: 'CANCELLED',
    [id('bad-child')]: 'CANCELLED',
    [id('bad-grandchild')]: 'CANCELLED',
  };
  await page.waitForFunction(
    (want) => {
      const nodes = Array.from(document.querySelectorAll('[data-testid="dag-panel"] .dag-item'));
      return (
        nodes.length === Object.keys(want).length &&
        nodes.every((el) => want[el.getAttribute('data-item-id')!] === el.getAttribute('data-status'))
      );
    },
    expected,
    { timeout: 60_000 },
  );
  expect(await statusesIn(page)).toEqual(expected);
  await page
    .getByTestId('batch-progress')
    .and(page.locator(`[data-done="${items.length}"]`))
    .waitFor();

  // Open the cancelled grandchild in the graph: its root cause is `bad`, one click away.
  await page.locator(`[data-testid="dag-panel"] .dag-item[data-item-id="${id('bad-grandchild')}"]`).click();
  const panel = page.getByTestId('item-panel');
  await panel.and(page.locator(`[data-item-id="${id('bad-grandchild')}"][data-status="CANCELLED"]`)).waitFor();
  const rootCause = panel.getByTestId('root-cause');
  expect(await rootCause.getAttribute('data-id')).toBe(id('bad'));
  await rootCause.click();
  await panel.and(page.locator(`[data-item-id="${id('bad')}"][data-status="CANCELLED"]`)).waitFor();
  expect(await panel.getByTestId('item-reason').textContent()).toMatch(/destination|sanctioned/i);
  // the root cause is selected in the graph and in the table, and the URL names it
  await page.locator(`.dag-item.rel-selected[data-item-id="${id('bad')}"]`).waitFor();
  const tableRow = page.locator(`[data-testid="disbursement-table"] .vrow.selected[data-item-id="${id('bad')}"]`);
  await tableRow.waitFor();
  // the row shows the end of its id, what tells this batch's ids apart (a long id is cut in the middle)
  expect(await tableRow.locator('.item-id-tail').isVisible()).toBe(true);
  expect(await tableRow.locator('.item-id-tail').innerText()).toBe(id('bad').slice(-8));
  expect(page.url()).toContain(`item=${encodeURIComponent(id('bad'))}`);

  // An executed item shows its tx hash; search finds an item by id and selects it.
  await page.locator('input[name=search]').fill(id('d'));
  await page.keyboard.press('Enter');
  await panel.and(page.locator(`[data-item-id="${id('d')}"][data-status="EXECUTED"]`)).waitFor();
  expect(await panel.getByTestId('item-tx').textContent()).toMatch(/^0x[0-9a-f]+/);

  // Filtering by status narrows the table to the cancelled three.
  await page.locator('button[data-filter="CANCELLED"]').click();
  await page.locator('[data-testid="disbursement-table"][data-rows="3"]').waitFor();

  // Temporal Web link names the batch's workflow; the list shows the batch finished.
  expect(await page.getByTestId('temporal-link').getAttribute('href')).toContain(`disburse-${batchId}`);
  await page.getByRole('link', { name: 'Treasury' }).click();
  const row = page.getByTestId('batches').locator(`tr[data-batch-id="${batchId}"]`);
  await row.locator(`[data-testid="batch-progress"][data-done="${items.length}"]`).waitFor({ timeout: 30_000 });
  expect(errors).toEqual([]);
});

test('a batch page opened before its batch exists shows the batch once it is submitted', async () => {
  const batchId = `early-${randomUUID().slice(0, 6)}`;
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await page.goto(`${stack.urls.web}/treasury/${batchId}`);
  await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor();
  await page.getByText(`batch "${batchId}" not found`).waitFor();
  const res = await fetch(`${stack.urls.web}/api/disbursements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      batchId,
      items: [
        { id: `${batchId}-a`, destination: '0xabcd11', amount: '1' },
        { id: `${batchId}-b`, destination: '0xabcd12', amount: '2', memo: `depends_on=${batchId}-a` },
      ],
    }),
  });
  expect(res.status).toBe(202);
  // the graph is read once the batch exists, and the not-found message goes
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll('[data-testid="dag-panel"] .dag-item')).filter(
        (el) => el.getAttribute('data-status') === 'EXECUTED',
      ).length === 2,
    undefined,
    { timeout: 30_000 },
  );
  expect(await page.getByText(`batch "${batchId}" not found`).count()).toBe(0);
  await page.close();
});
