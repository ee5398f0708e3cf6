import { summarizeOutput } from '../src/publish';

describe('summarizeOutput', () => {
  it('keeps small outputs as they are', () => {
    expect(summarizeOutput({ height: 5 })).toEqual({ height: 5 });
  });
  it('replaces large outputs by their size, so events stay small', () => {
    expect(summarizeOutput({ blob: 'x'.repeat(10_000) })).toEqual({ truncated: true, bytes: expect.any(Number) });
  });
  it('turns undefined (void activities) into null, valid JSON', () => {
    expect(summarizeOutput(undefined)).toBeNull();
  });
});
