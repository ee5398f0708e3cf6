import type { EmergencyStatus, EmergencyTransition, RiskReading } from '@blockops/domain';

/** GET /api/emergency, as the console reads it. */
export interface EmergencyDocument extends EmergencyStatus {
  limits: { dailyLoss: string; maxPosition: string; maxDrawdownPct: number; updatedAt?: string; actor?: string };
  risk: RiskReading[];
  history: EmergencyTransition[];
}

export const EMERGENCY_LIVE = { rooms: ['emergency'], types: ['emergency_state_changed' as const] };
