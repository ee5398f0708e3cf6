/** Does nothing: the baseline the benchmarks compare real workflows against. */
export async function noop(): Promise<string> {
  return 'ok';
}
