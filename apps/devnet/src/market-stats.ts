import type { ChainState, Market } from './chain-state';

/** Blocks the "recent activity" figures look back over. */
const WINDOW = 100;
const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Market figures derived from the chain itself (recent receipts, all-time totals, gates), so they
 * move with the chain and are the same for the same seed. Shapes follow seed 002.
 */
export function marketStats(chain: ChainState, market: Market) {
  const recent = chain.receiptRange(Math.max(1, chain.height - WINDOW + 1), chain.height, market);
  const gate = chain.gates[market].state;
  const status = gate === 'Halt' ? 'halted' : recent.length === 0 ? 'idle' : gate === 'PostOnly' ? 'degraded' : 'healthy';
  const totals = chain.totals[market];
  const providers = new Set(recent.map((r) => r.provider)).size;
  const recentUnits = recent.reduce((s, r) => s + r.units, 0);
  const recentAmount = recent.reduce((s, r) => s + r.amount, 0);
  const pending = [...chain.operations.values()].filter((o) => o.market === market && o.status === 'pending').length;
  // background traffic is at most 2 receipts of ≤ 1000 units per block and market
  const utilization = Math.min(1, recent.length / (WINDOW * 2));
  switch (market) {
    case 'compute':
      return {
        status,
        active_jobs: recent.length + pending,
        total_providers: providers,
        avg_utilization: round(utilization),
        total_revenue: round(totals.revenue, 2),
      };
    case 'storage':
      return {
        status,
        total_stored: totals.units * 1_000_000,
        total_providers: providers,
        avg_price: totals.units ? round(totals.revenue / totals.units, 6) : 0,
        capacity_used: round(Math.min(1, recentUnits / (WINDOW * 2 * 1000))),
      };
    case 'energy':
      return {
        status,
        total_credits: totals.units,
        avg_price: totals.units ? round(totals.revenue / totals.units, 6) : 0,
        active_traders: new Set(recent.flatMap((r) => [r.provider, r.consumer])).size,
        trading_volume: round(recentAmount, 2),
      };
    case 'ad': {
      const impressions = totals.units * 100;
      return {
        status,
        active_campaigns: new Set(recent.map((r) => r.consumer)).size + pending,
        total_impressions: impressions,
        total_revenue: round(totals.revenue, 2),
        avg_cpm: impressions ? round(totals.revenue / (impressions / 1000), 4) : 0,
      };
    }
  }
}
