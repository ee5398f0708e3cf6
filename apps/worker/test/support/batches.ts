import { formatUnits, parseAmount } from '@blockops/domain';

/** Disbursement batches for tests and benchmarks: chains of dependencies with fan-in. */
export interface RawDisbursement {
  id: string;
  destination: string;
  amount: string;
  memo?: string;
}

/**
 * `chains` chains of `depth` items: item (c, l) depends on (c, l − 1) and, with fan-in, also on
 * (c − 1, l − 1) — so most items wait for two, and the DAG is `depth` levels deep. Amounts vary in
 * the cents so sums are exact only if nothing rounds.
 */
export function chainBatch(opts: { tag: string; chains: number; depth: number; fanIn?: boolean; memo?: (c: number, l: number) => string }) {
  const items: RawDisbursement[] = [];
  const id = (c: number, l: number) => `${opts.tag}-c${c}-l${l}`;
  for (let c = 0; c < opts.chains; c++) {
    for (let l = 0; l < opts.depth; l++) {
      const deps = l === 0 ? [] : [id(c, l - 1), ...(opts.fanIn && c > 0 ? [id(c - 1, l - 1)] : [])];
      const extra = opts.memo?.(c, l) ?? `grant ${c}/${l}`;
      items.push({
        id: id(c, l),
        destination: `0x${(0xa000 + ((c * 31 + l) % 0x5fff)).toString(16)}`,
        amount: `${1 + ((c * 7 + l * 3) % 50)}.${String((c * 13 + l) % 100).padStart(2, '0')}`,
        memo: deps.length ? `${extra}; depends_on=${deps.join(',')}` : extra,
      });
    }
  }
  return items;
}

/** The dependencies a memo built by chainBatch declares (tests check payment order against them). */
export const depsOf = (memo: string | undefined) => memo?.match(/depends_on=([^;\s]+)/)?.[1]?.split(',') ?? [];

/** Exact sum of decimal amounts, as a decimal string (money.ts). */
export const sumAmounts = (amounts: string[]): string => formatUnits(amounts.reduce((t, a) => t + parseAmount(a), 0n));
