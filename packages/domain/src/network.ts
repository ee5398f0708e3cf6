/** Inputs of the network health score (seed 002 `GET /theblock/network/metrics`). */
export interface NetworkSnapshot {
  height: number;
  peerCount: number;
  tps: number;
  finalityTimeS: number;
}

/**
 * A 0–100 score an operator can read at a glance: peers (target ≥ 20), finality (target ≤ 6 s) and
 * throughput (any). Pure and deterministic so workflows can compute it.
 */
export function networkStrength(s: NetworkSnapshot): number {
  const peers = Math.min(1, s.peerCount / 20);
  const finality = s.finalityTimeS <= 0 ? 0 : Math.min(1, 6 / s.finalityTimeS);
  const throughput = s.tps > 0 ? 1 : 0;
  return Math.round(100 * (0.5 * peers + 0.35 * finality + 0.15 * throughput));
}
