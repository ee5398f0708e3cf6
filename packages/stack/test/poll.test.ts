import { poll } from '../src/poll';

test('resolves to the first value that holds, retrying throws and falsy answers', async () => {
  let n = 0;
  const value = await poll(
    () => {
      n++;
      if (n === 1) throw new Error('not up yet');
      return n >= 3 ? { n } : undefined;
    },
    { description: 'the third call', intervalMs: 1 },
  );
  expect(value).toEqual({ n: 3 });
});

test('with `until`, waits for the predicate and resolves to the value', async () => {
  let height = 0;
  expect(await poll(() => ++height, { until: (h) => h >= 4, description: 'height 4', intervalMs: 1 })).toBe(4);
});

test('times out naming what it waited for and the last value or error seen', async () => {
  await expect(
    poll(() => ({ checkpoint: 7 }), {
      until: (v) => v.checkpoint > 9,
      description: 'the checkpoint to pass 9',
      timeoutMs: 30,
      intervalMs: 5,
    }),
  ).rejects.toThrow(/timed out after 30 ms waiting for the checkpoint to pass 9; last: \{ checkpoint: 7 \}/);
  await expect(
    poll(
      () => {
        throw new Error('ECONNREFUSED');
      },
      { description: 'the node', timeoutMs: 20, intervalMs: 5 },
    ),
  ).rejects.toThrow(/waiting for the node; last: error Error: ECONNREFUSED/);
});
