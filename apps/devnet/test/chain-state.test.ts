import { ChainState } from '../src';

const chain = (seed: number) => {
  const c = new ChainState({ seed, blockIntervalMs: 1000, confirmBlocks: 2 });
  c.mine(50);
  return c;
};

test('the same seed gives the same chain, receipts and timestamps included', () => {
  expect(chain(42).receipts).toEqual(chain(42).receipts);
  expect(chain(42).hashOf(50)).toBe(chain(42).hashOf(50));
});

test('another seed gives another chain', () => {
  expect(chain(42).receipts).not.toEqual(chain(43).receipts);
});

test('timestamps follow height, not the wall clock', () => {
  const c = chain(1);
  expect(c.timestampOf(10) - c.timestampOf(9)).toBe(1);
  expect(c.receipts.every((r) => r.timestamp === c.timestampOf(r.block_height))).toBe(true);
});
