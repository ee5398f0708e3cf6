import type { Market } from './markets';
import { formatUnits, type Units } from './money';

/**
 * The emergency controller's states (seed 004) and transitions. Like an exchange kill switch:
 * HALT denies everything new and stays latched until someone explicitly resumes.
 */
export const EMERGENCY_STATES = ['NORMAL', 'ALERT', 'HALT', 'SHUTDOWN'] as const;
export type EmergencyState = (typeof EMERGENCY_STATES)[number];

export const EMERGENCY_ACTIONS = ['alert', 'halt', 'shutdown', 'resume'] as const;
export type EmergencyAction = (typeof EMERGENCY_ACTIONS)[number];

/** Where each action may start from, and where it leads. */
const TRANSITIONS: Record<EmergencyAction, { from: readonly EmergencyState[]; to: EmergencyState }> = {
  alert: { from: ['NORMAL', 'ALERT'], to: 'ALERT' },
  halt: { from: ['NORMAL', 'ALERT'], to: 'HALT' },
  shutdown: { from: ['NORMAL', 'ALERT', 'HALT'], to: 'SHUTDOWN' },
  resume: { from: ['ALERT', 'HALT', 'SHUTDOWN'], to: 'NORMAL' },
};

export const targetState = (action: EmergencyAction): EmergencyState => TRANSITIONS[action].to;

export const MAX_REASON_LENGTH = 500;

/** Why `action` cannot be taken from `current` with this reason, or undefined when it can. */
export function transitionProblem(current: EmergencyState, action: EmergencyAction, reason: string | undefined): string | undefined {
  if (!reason || reason.trim() === '') return `reason is required to ${action}`;
  if (reason.length > MAX_REASON_LENGTH) return `reason must be at most ${MAX_REASON_LENGTH} characters`;
  const t = TRANSITIONS[action];
  if (!t.from.includes(current)) {
    const allowed = t.from.join(', ');
    return `cannot ${action} from ${current}: ${action} is allowed from ${allowed}`;
  }
  return undefined;
}

/** NORMAL and ALERT let chain submissions start; HALT and SHUTDOWN refuse every new one. */
export const allowsSubmissions = (s: EmergencyState): boolean => s === 'NORMAL' || s === 'ALERT';
/** Only SHUTDOWN pauses the receipt poller and accounting. */
export const pausesPoller = (s: EmergencyState): boolean => s === 'SHUTDOWN';

export const EMERGENCY_STATE_VALUE: Record<EmergencyState, number> = { NORMAL: 0, ALERT: 1, HALT: 2, SHUTDOWN: 3 };

export interface EmergencyStatus {
  state: EmergencyState;
  /** ISO time the state was entered */
  since: string;
  reason: string;
  actor: string;
}

export interface EmergencyTransition extends EmergencyStatus {
  previous: EmergencyState;
  action: EmergencyAction;
}

// ---------------------------------------------------------------------------------------------
// Risk limits (seed 004): daily loss since 00:00 UTC, max position value per market, max drawdown
// from the peak balance. Amounts are exact units; utilisation is a plain ratio (not money).

export const RISK_LIMITS = ['daily_loss', 'max_position', 'max_drawdown'] as const;
export type RiskLimitName = (typeof RISK_LIMITS)[number];

export interface RiskLimits {
  /** largest loss allowed since 00:00 UTC (units > 0); 0 disables the limit */
  dailyLoss: Units;
  /** largest position value (at cost) allowed in any one market (units > 0); 0 disables */
  maxPosition: Units;
  /** largest drawdown from the peak balance, in basis points (1–10,000); 0 disables */
  maxDrawdownBps: number;
}

export interface RiskInputs {
  balance: Units;
  /** balance at the first P&L update of the current UTC day */
  dayStartBalance: Units;
  /** highest balance seen */
  peakBalance: Units;
  positionValues: Record<Market, Units>;
}

export interface RiskReading {
  limit: RiskLimitName;
  /** what is measured, as a decimal string (or basis points for drawdown) */
  value: string;
  threshold: string;
  /** value / threshold, 0 when disabled; ≥ 1 is a breach */
  utilization: number;
  breached: boolean;
  /** for max_position: the market at the highest utilisation */
  market?: Market;
}

/** A ratio of two unit counts as a number with 4 decimals, exact enough for a gauge. */
function ratio(value: bigint, threshold: bigint): number {
  if (threshold <= 0n || value <= 0n) return 0;
  return Number((value * 10_000n) / threshold) / 10_000;
}

export function evaluateRisk(inputs: RiskInputs, limits: RiskLimits): RiskReading[] {
  const loss = inputs.dayStartBalance - inputs.balance;
  const daily: RiskReading = {
    limit: 'daily_loss',
    value: formatUnits(loss > 0n ? loss : 0n),
    threshold: formatUnits(limits.dailyLoss),
    utilization: ratio(loss, limits.dailyLoss),
    breached: limits.dailyLoss > 0n && loss >= limits.dailyLoss,
  };
  let worst: { market: Market; value: Units } | undefined;
  for (const [market, value] of Object.entries(inputs.positionValues) as [Market, Units][]) {
    if (!worst || value > worst.value) worst = { market, value };
  }
  const pos = worst?.value ?? 0n;
  const position: RiskReading = {
    limit: 'max_position',
    value: formatUnits(pos),
    threshold: formatUnits(limits.maxPosition),
    utilization: ratio(pos, limits.maxPosition),
    breached: limits.maxPosition > 0n && pos > limits.maxPosition,
    ...(worst ? { market: worst.market } : {}),
  };
  const drop = inputs.peakBalance - inputs.balance;
  const ddBps = inputs.peakBalance > 0n && drop > 0n ? (drop * 10_000n) / inputs.peakBalance : 0n;
  const drawdown: RiskReading = {
    limit: 'max_drawdown',
    value: `${ddBps} bps`,
    threshold: `${limits.maxDrawdownBps} bps`,
    utilization: ratio(ddBps, BigInt(limits.maxDrawdownBps)),
    breached: limits.maxDrawdownBps > 0 && ddBps >= BigInt(limits.maxDrawdownBps),
  };
  return [daily, position, drawdown];
}

/** The reason an automatic halt carries: the limit, value and threshold. */
export const breachReason = (r: RiskReading): string =>
  `risk limit ${r.limit} breached${r.market ? ` (${r.market})` : ''}: ${r.value} against a limit of ${r.threshold}`;

/** The UTC day (YYYY-MM-DD) of an epoch-ms time: daily loss restarts at 00:00 UTC. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
