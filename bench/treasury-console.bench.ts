/**
 * Issue 10, console figures (`npm run bench -- treasury-console`), in Debian Chromium against the
 * whole stack, reported and not asserted:
 * - time to first paint of a 10,000-item batch's graph (10-deep chains with fan-in), from
 *   navigation start, beside the same for a 10-item batch in the same run;
 * - frames/s while that batch executes live (status events applied to the graph), in the overview
 *   (groups) and zoomed into a group (items drawn), beside the same page idle once it is done.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { startTestStack } from '@blockops/stack';
import { launchChromium } from '../apps/web/test/support/browser';
import type { BenchSection } from './run';
import { percentile, round } from './stats';

const N = 10_000;
const DEPTH = 10;

/** `n` items in chains `depth` deep; every third chain also depends on a neighbour chain's previous item (fan-in). */
function batchOf(batchId: string, n: number, depth: number) {
  const chains = Math.ceil(n / depth);
  const id = (i: number) => `${batchId}-${i}`;
  const items = Array.from({ length: n }, (_, i) => {
    const c = Math.floor(i / depth);
    const d = i % depth;
    const deps: string[] = [];
    if (d > 0) {
      deps.push(id(i - 1));
      const other = ((c + 7) % chains) * depth + d - 1;
      if (c % 3 === 0 && other < n && other !== i) deps.push(id(other));
    }
    return {
      id: id(i),
      destination: `0x${(0xa000 + (i % 4096)).toString(16)}`,
      amount: `${1 + (i % 7)}.25`,
      ...(deps.length ? { memo: `depends_on=${deps.join(',')}` } : {}),
    };
  });
  return { batchId, items };
}

/** Records, from navigation start, when the first DAG node was painted, and counts every frame from then on. */
const PROBE = `
  window.__probe = { firstPaint: undefined, frames: [] };
  new MutationObserver((_, obs) => {
    if (window.__probe.firstPaint === undefined && document.querySelector('.react-flow__node')) {
      obs.disconnect();
      requestAnimationFrame(() => {
        window.__probe.firstPaint = performance.now();
        (function tick(t) { window.__probe.frames.push(t); requestAnimationFrame(tick); })(performance.now());
      });
    }
  }).observe(document, { childList: true, subtree: true });
`;

type Probe = { firstPaint?: number; frames: number[] };
const probe = (page: Page) => page.evaluate('window.__probe') as Promise<Probe>;
const now = (page: Page) => page.evaluate('performance.now()') as Promise<number>;

/** Frame figures between two page times. */
function frameStats(frames: number[], from: number, to: number) {
  const inWindow = frames.filter((t) => t >= from && t <= to);
  const gaps = inWindow.slice(1).map((t, k) => t - inWindow[k]!);
  return {
    fps: inWindow.length / ((to - from) / 1000),
    p95FrameMs: percentile(gaps, 95),
    maxFrameMs: gaps.length ? Math.max(...gaps) : NaN,
    longFrames: gaps.filter((g) => g > 50).length,
  };
}

/** HALT / RESUME through the API: the batch waits, QUEUED, while its page is opened and painted. */
async function emergency(web: string, action: 'halt' | 'resume') {
  const res = await fetch(`${web}/api/emergency/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-actor': 'bench' },
    body: JSON.stringify({ reason: `console bench: ${action === 'halt' ? 'hold the batch until its page is painted' : 'go'}` }),
  });
  if (res.status !== 200) throw new Error(`emergency ${action}: ${res.status} ${await res.text()}`);
}

async function submit(web: string, batch: unknown) {
  const res = await fetch(`${web}/api/disbursements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
  if (res.status !== 202) throw new Error(`batch not accepted: ${res.status} ${await res.text()}`);
}

const done = (page: Page, total: number) =>
  page.locator(`[data-testid="batch-progress"][data-done="${total}"]`).waitFor({ timeout: 300_000 });

/** Opens the batch page as soon as it is accepted; returns when its graph is painted. */
async function openBatch(browser: Browser, web: string, batchId: string) {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.addInitScript(PROBE);
  await page.goto(`${web}/treasury/${batchId}`);
  await page.locator('.react-flow__node').first().waitFor({ timeout: 120_000 });
  await page.waitForFunction('window.__probe.firstPaint !== undefined');
  const layoutMs = Number(await page.getByTestId('dag-panel').getAttribute('data-layout-ms'));
  return { page, firstPaint: (await probe(page)).firstPaint!, layoutMs };
}

/** Executes one 10,000-item batch with the page open; frames/s while it runs and once idle. */
async function watchRun(browser: Browser, web: string, zoomIntoGroup: boolean) {
  const batch = batchOf(`bench-${randomUUID().slice(0, 6)}`, N, DEPTH);
  // held until the page is painted, so the frames are measured while every item executes live
  await emergency(web, 'halt');
  await submit(web, batch);
  const { page, firstPaint, layoutMs } = await openBatch(browser, web, batch.batchId);
  if (zoomIntoGroup) {
    await page.locator('.react-flow__node-cluster').nth(20).click();
    await page.locator('.react-flow__node-item').first().waitFor();
  }
  await emergency(web, 'resume');
  const from = await now(page);
  const executedBefore = Number(await page.getByTestId('batch-progress').getAttribute('data-done'));
  await done(page, N);
  const to = await now(page);
  await page.waitForTimeout(2000); // idle baseline: the same page, same view, nothing arriving
  const idleTo = await now(page);
  const { frames } = await probe(page);
  const nodesDrawn = await page.locator('.react-flow__node').count();
  await page.close();
  return {
    firstPaint,
    layoutMs,
    windowS: (to - from) / 1000,
    itemsInWindow: N - executedBefore,
    running: frameStats(frames, from, to),
    idle: frameStats(frames, to + 200, idleTo),
    nodesDrawn,
  };
}

export async function run(): Promise<BenchSection[]> {
  const stack = await startTestStack({ devnetArgs: ['--block-interval-ms', '1000', '--treasury-balance', '100000000'] });
  const browser = await launchChromium();
  try {
    const web = stack.urls.web!;
    // baseline: a 10-item batch's graph, same page, same run
    const small = batchOf(`bench-small-${randomUUID().slice(0, 6)}`, 10, 5);
    await submit(web, small);
    const smallPaint: number[] = [];
    for (let k = 0; k < 3; k++) {
      const { page, firstPaint } = await openBatch(browser, web, small.batchId);
      smallPaint.push(firstPaint);
      await page.close();
    }
    const overview = await watchRun(browser, web, false);
    const zoomed = await watchRun(browser, web, true);
    const smallMs = percentile(smallPaint, 50);
    return [
      {
        title: 'Treasury console: first paint of a 10,000-item batch graph (Chromium, headless)',
        figures: {
          items: N,
          graph_first_paint_ms: round(overview.firstPaint, 0),
          graph_first_paint_ms_second_batch: round(zoomed.firstPaint, 0),
          layout_in_worker_ms: overview.layoutMs,
          ten_item_batch_first_paint_ms: round(smallMs, 0),
          ratio_vs_ten_items: round(overview.firstPaint / smallMs, 2),
        },
        notes: [
          'From navigation start to the first frame with a DAG node drawn: page load, the live stream going live, GET …/graph (one request), dagre layout in a Web Worker, React Flow render.',
          '10-deep chains, every third chain fanning in from a neighbour; the 10,000 items are drawn as collapsed groups (per-status counts) until zoomed into.',
        ],
      },
      ...[
        { view: 'overview (groups collapsed)', m: overview },
        { view: 'zoomed into a group (items drawn)', m: zoomed },
      ].map(({ view, m }) => ({
        title: `Treasury console: frames/s while a 10,000-item batch executes live — ${view}`,
        figures: {
          window_s: round(m.windowS, 2),
          items_executed_in_window: m.itemsInWindow,
          items_per_s_in_window: round(m.itemsInWindow / m.windowS, 0),
          nodes_drawn: m.nodesDrawn,
          frames_per_s_running: round(m.running.fps, 1),
          p95_frame_ms_running: round(m.running.p95FrameMs, 1),
          max_frame_ms_running: round(m.running.maxFrameMs, 1),
          long_frames_over_50ms: m.running.longFrames,
          frames_per_s_idle: round(m.idle.fps, 1),
          ratio_running_vs_idle: round(m.running.fps / m.idle.fps, 2),
        },
        notes: [
          'The batch is held (emergency HALT) until its page is painted, then resumed: requestAnimationFrame is counted in the page from the RESUME until every item is finished, so every item executes live on screen; idle: the same page and view for 2 s after.',
          'Headless Chromium with --disable-gpu (software compositing) on a shared 2-core machine: absolute frame rates are low-side.',
        ],
      })),
    ];
  } finally {
    await browser.close();
    await stack.stop();
  }
}
