/** Redis stream ids are `<ms>-<seq>`; compare numerically, never as strings. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

export function isStreamId(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,20}-\d{1,20}$/.test(value);
}

/** Milliseconds encoded in a stream id: when Redis accepted the entry. */
export function streamIdTime(id: string): number {
  return Number(id.split('-')[0]);
}
