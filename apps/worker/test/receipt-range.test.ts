/**
 * The poller's range reader against an in-memory node: whatever the block sizes, the batch size and
 * the pages in flight, batches follow one another from the checkpoint to the head, each holds whole
 * blocks only (at most a batch, unless one block is larger), and every receipt comes exactly once.
 */
import type { Receipt } from '@blockops/chain';
import { readRange } from '../src/activities/receipts';

type Chain = Parameters<typeof readRange>[0];

/** blocks[i] receipts at height i + 1; pages answer in a scrambled order (their reads overlap) */
function node(blocks: number[], genesisAt: (call: number) => string = () => 'g') {
  const receipts = blocks.flatMap((n, i) => Array.from({ length: n }, (_, j) => ({ id: `${i + 1}-${j}`, block_height: i + 1 }) as Receipt));
  let calls = 0;
  const header = () => ({ height: blocks.length, genesis_hash: genesisAt(calls++) }) as Awaited<ReturnType<Chain['light']['latestHeader']>>;
  const chain = {
    light: { latestHeader: async () => header() },
    receipt: {
      audit: async (p: { from_height: number; to_height: number; limit: number; offset: number }) => {
        for (let i = 0; i < (p.offset / p.limit) % 3; i++) await new Promise((r) => setImmediate(r));
        const all = receipts.filter((r) => r.block_height >= p.from_height && r.block_height <= p.to_height);
        const page = all.slice(p.offset, p.offset + p.limit);
        const next = p.offset + page.length;
        return {
          receipts: page,
          total: all.length,
          limit: p.limit,
          offset: p.offset,
          to_height: p.to_height,
          next_offset: next < all.length ? next : null,
        };
      },
    },
  } as unknown as Chain;
  return { chain, receipts, head: blocks.length, header: header() };
}

async function batchesOf(blocks: number[], from: number, batchSize: number, depth: number) {
  const n = node(blocks);
  const reader = readRange(n.chain, { from, head: n.head, header: n.header }, batchSize, depth);
  const batches = [];
  for (let b = await reader.next(); b; b = await reader.next()) batches.push(b);
  return { batches, n };
}

let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

test('batches of whole blocks from the checkpoint to the head, every receipt once, whatever the pages in flight', async () => {
  for (let t = 0; t < 80; t++) {
    const blocks = Array.from({ length: 1 + Math.floor(random() * 50) }, () =>
      random() < 0.1 ? Math.floor(random() * 30) : random() < 0.3 ? 0 : Math.floor(random() * 6),
    );
    const batchSize = 1 + Math.floor(random() * 10);
    const from = Math.floor(random() * blocks.length);
    for (const depth of [0, 1, 2]) {
      const { batches, n } = await batchesOf(blocks, from, batchSize, depth);
      let checkpoint = from;
      for (const b of batches) {
        expect(b.fromCheckpoint).toBe(checkpoint);
        expect(b.toHeight).toBeGreaterThan(b.fromCheckpoint);
        const heights = new Set(b.receipts.map((r) => r.block_height));
        for (const h of heights) {
          expect(h).toBeGreaterThan(b.fromCheckpoint);
          expect(h).toBeLessThanOrEqual(b.toHeight);
          expect(b.receipts.filter((r) => r.block_height === h)).toHaveLength(blocks[h - 1]!);
        }
        if (heights.size > 1) expect(b.receipts.length).toBeLessThanOrEqual(batchSize);
        checkpoint = b.toHeight;
      }
      expect(checkpoint).toBe(n.head);
      expect(batches.at(-1)?.caughtUp).toBe(true);
      expect(batches.flatMap((b) => b.receipts)).toEqual(n.receipts.filter((r) => r.block_height > from));
    }
  }
});

test('a block larger than a batch is one batch; an empty range is one empty batch to the head', async () => {
  const big = await batchesOf([3, 2500, 4], 0, 1000, 2);
  expect(big.batches.map((b) => [b.fromCheckpoint, b.toHeight, b.receipts.length])).toEqual([
    [0, 1, 3],
    [1, 2, 2500],
    [2, 3, 4],
  ]);
  const empty = await batchesOf([0, 0, 0], 1, 5, 2);
  expect(empty.batches.map((b) => [b.fromCheckpoint, b.toHeight, b.receipts.length, b.caughtUp])).toEqual([[1, 3, 0, true]]);
});

test('a page read from another chain stops the range', async () => {
  const n = node(
    Array.from({ length: 40 }, () => 3),
    (call) => (call === 0 ? 'g' : 'other'),
  );
  const reader = readRange(n.chain, { from: 0, head: n.head, header: n.header }, 10, 2);
  await expect(
    (async () => {
      for (let b = await reader.next(); b; b = await reader.next());
    })(),
  ).rejects.toThrow(/changed chains/);
});
