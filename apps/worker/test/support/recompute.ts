import { applyReceipts, initialAccounting, type AccountingReceipt, type Units } from '@blockops/domain';
import type { ChainClient } from '@blockops/chain';

/**
 * The oracle for the poller tests: every receipt of `account` up to `toHeight`, read from the full
 * receipt log in one pass (not the poller's batches) and accounted with the pure domain functions.
 */
export async function recomputeFromLog(
  chain: Pick<ChainClient, 'receipt'>,
  account: string,
  toHeight: number,
  startingBalance: Units = 100_000_000_000n,
) {
  const ours: AccountingReceipt[] = [];
  for (let offset: number | null = 0; offset !== null;) {
    const page = await chain.receipt.audit({ from_height: 1, to_height: toHeight, limit: 1000, offset });
    for (const r of page.receipts) {
      if (r.consumer !== account && r.provider !== account) continue;
      ours.push({
        id: r.id,
        market: r.market,
        blockHeight: r.block_height,
        timestamp: r.timestamp,
        direction: r.consumer === account ? 'spend' : 'earn',
        amount: r.amount,
        units: r.units,
        subsidy: r.subsidy,
      });
    }
    offset = page.next_offset;
  }
  return { state: applyReceipts(initialAccounting(startingBalance), ours), count: ours.length };
}
