import { ChainState } from '../src/chain-state';

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

test('a restored snapshot continues exactly like the chain that never stopped', () => {
  const opts = { seed: 9, blockIntervalMs: 1000, confirmBlocks: 2 };
  const a = new ChainState(opts);
  a.mine(20);
  a.balances['0xme'] = 100;
  a.operations.set('op-1', {
    operation_id: 'op-1',
    tx_hash: '0xt',
    market: 'energy',
    account: '0xme',
    estimated_cost: 10,
    units: 5,
    submitted_height: 20,
    confirm_height: 22,
    status: 'pending',
  });
  const b = ChainState.restore(opts, JSON.parse(JSON.stringify(a.snapshot())));
  a.mine(30);
  b.mine(30);
  expect(b.snapshot()).toEqual(a.snapshot());
  expect(b.receiptRange(21, 22, 'energy')).toEqual(a.receiptRange(21, 22, 'energy'));
  expect(b.operations.get('op-1')?.status).toBe('confirmed');
});

test('receiptRange pages by height with and without a market', () => {
  const c = chain(3);
  expect(c.receiptRange(10, 20)).toEqual(c.receipts.filter((r) => r.block_height >= 10 && r.block_height <= 20));
  expect(c.receiptRange(10, 20, 'ad')).toEqual(c.receipts.filter((r) => r.block_height >= 10 && r.block_height <= 20 && r.market === 'ad'));
  expect(c.receiptRange(51, 100)).toEqual([]);
});
