/** Redis stream ids are `<ms>-<seq>`, each part an unsigned 64-bit integer. */
export const STREAM_ID_PATTERN = /^\d{1,20}-\d{1,20}$/;

/** Compares two stream ids numerically (never as strings: '9-0' < '10-0'). */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}
