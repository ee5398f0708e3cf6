import { breachReason, evaluateRisk, utcDay, type Market, type RiskLimits, type RiskReading, type Units } from '@blockops/domain';
import type { EmergencyStore } from '@blockops/emergency';
import type { EmergencyActivities } from '@blockops/workflows/public';

export interface EmergencyDeps {
  emergency: EmergencyStore;
  /** limits from the environment, until an operator changes them live (Redis) */
  riskDefaults: RiskLimits;
}

export function createEmergencyActivities(deps: EmergencyDeps): EmergencyActivities {
  return {
    readEmergencyStatus: () => deps.emergency.status(),
    recordEmergencyTransition: (t) => deps.emergency.record(t),
  };
}

export interface RiskSnapshot {
  balance: Units;
  positionValues: Record<Market, Units>;
}

/**
 * Checks the risk limits against a P&L update (seed 004): marks the day's first balance and the
 * peak, evaluates every limit, and returns the readings; the poller halts on a breach.
 */
export async function checkRisk(deps: EmergencyDeps, balanceBefore: Units, snap: RiskSnapshot, nowMs = Date.now()): Promise<RiskReading[]> {
  // one round trip: the mark and the limits are independent
  const [marks, limits] = await Promise.all([
    deps.emergency.markRisk(balanceBefore, snap.balance, utcDay(nowMs)),
    deps.emergency.limits(deps.riskDefaults),
  ]);
  return evaluateRisk({ balance: snap.balance, positionValues: snap.positionValues, ...marks }, limits);
}

/** The breaches among readings, as the controller's risk signal wants them. */
export const breachesOf = (readings: RiskReading[]) =>
  readings.filter((r) => r.breached).map((r) => ({ limit: r.limit, reason: breachReason(r) }));
