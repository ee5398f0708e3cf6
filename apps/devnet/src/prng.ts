/**
 * mulberry32: a small seeded PRNG, so the same seed gives the same chain (never Math.random).
 * Its whole state is one integer, so a saved chain resumes the same sequence.
 */
export function createPrng(seed: number, state?: number) {
  let a = (state ?? seed) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    state: () => a,
  };
}
export type Prng = ReturnType<typeof createPrng>;
