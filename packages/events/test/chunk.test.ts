import { chunkByLength, encodedLength, type BlockopsEvent } from '../src';

const ev = (id: string, pad = 0) =>
  ({
    id,
    type: 'node_started',
    timestamp: '2026-11-24T00:00:00.000Z',
    workflowId: 'wf',
    runId: 'r',
    workflowType: 't',
    correlationId: 'c',
    node_id: 'x'.repeat(pad),
    node_name: 'n',
    attempt: 1,
  }) as BlockopsEvent;

describe('chunkByLength', () => {
  it('keeps a batch whole under the limit, and cuts a larger one into runs in order, each within the limit', () => {
    const small = [ev('1-0'), ev('2-0'), ev('3-0')];
    expect(chunkByLength(small, 1 << 20)).toEqual([small]);
    const big = Array.from({ length: 10 }, (_, i) => ev(`${i + 1}-0`, 300));
    const size = encodedLength(big[0]!);
    const runs = chunkByLength(big, size * 3 + 1);
    expect(runs.map((r) => r.length)).toEqual([3, 3, 3, 1]);
    expect(runs.flat()).toEqual(big);
  });
  it('sends an event larger than the limit on its own, and nothing for nothing', () => {
    const events = [ev('1-0'), ev('2-0', 5000), ev('3-0')];
    expect(chunkByLength(events, 1000).map((r) => r.map((e) => e.id))).toEqual([['1-0'], ['2-0'], ['3-0']]);
    expect(chunkByLength([], 1000)).toEqual([]);
  });
});
