/** Percentile of an unsorted sample (nearest-rank). */
export function percentile(sample: number[], p: number): number {
  if (sample.length === 0) return NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** Median (mean of the middle two for an even sample). */
export function median(sample: number[]): number {
  if (sample.length === 0) return NaN;
  const s = [...sample].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Runs `call` back to back from `concurrency` loops for `seconds` (a closed-loop load): every
 * call's latency (ms) and the elapsed seconds.
 */
export async function closedLoop(concurrency: number, seconds: number, call: () => Promise<unknown>) {
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await call();
        lat.push(performance.now() - t);
      }
    }),
  );
  return { lat, elapsedS: (performance.now() - t0) / 1000 };
}
