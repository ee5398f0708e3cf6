import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import {
  EMERGENCY_ACTIONS,
  EMERGENCY_STATES,
  MARKETS,
  RISK_LIMITS,
  MAX_REASON_LENGTH,
  evaluateRisk,
  parseAmount,
  utcDay,
  type EmergencyAction,
  type EmergencyStatus,
  type EmergencyTransition,
  type Market,
  type RiskLimits,
  type RiskReading,
  type Units,
} from '@blockops/domain';
import { limitsView, type EmergencyStore } from '@blockops/emergency';
import type { AccountingStore } from '@blockops/accounts';
import { EMERGENCY_CONTROLLER_ID, transitionUpdate } from '@blockops/workflows/messages';
import { amount, isoTime, market } from './api-schemas';
import type { Services } from './services';

export const emergencyActionSchema = z.enum(EMERGENCY_ACTIONS);
export const transitionBodySchema = z
  .object({ reason: z.string().trim().min(1, 'is required').max(MAX_REASON_LENGTH, `must be at most ${MAX_REASON_LENGTH} characters`) })
  .strict();

const limitAmount = z.string().superRefine((v, ctx) => {
  try {
    parseAmount(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});
export const limitsBodySchema = z
  .object({
    dailyLoss: limitAmount.optional().describe('largest loss since 00:00 UTC, decimal; "0" disables'),
    maxPosition: limitAmount.optional().describe('largest position value in any one market, decimal; "0" disables'),
    maxDrawdownPct: z
      .number()
      .min(0)
      .max(100, 'must be at most 100')
      .optional()
      .describe('largest drawdown from the peak balance, %; 0 disables'),
    reason: z.string().trim().min(1, 'is required').max(MAX_REASON_LENGTH),
  })
  .strict();

// ---- answers (the OpenAPI document is generated from these) ----

const emergencyState = z.enum(EMERGENCY_STATES);

export const emergencyStatusSchema = z.object({
  state: emergencyState.describe(
    'NORMAL and ALERT admit submissions; HALT and SHUTDOWN refuse every new one; SHUTDOWN also pauses the poller',
  ),
  since: isoTime.describe('when the state was entered'),
  reason: z.string(),
  actor: z.string().describe('<role>:<name> of the operator, or risk:<limit> for an automatic halt'),
});

export const transitionSchema = emergencyStatusSchema
  .extend({ previous: emergencyState, action: z.enum(EMERGENCY_ACTIONS) })
  .meta({ id: 'EmergencyTransition' });

export const limitsViewSchema = z
  .object({
    dailyLoss: amount.describe('largest loss since 00:00 UTC; "0" disables'),
    maxPosition: amount.describe('largest position value in any one market; "0" disables'),
    maxDrawdownPct: z.number().min(0).max(100).describe('largest drawdown from the peak balance, %; 0 disables'),
    updatedAt: isoTime.optional(),
    actor: z.string().optional().describe('who changed them last'),
  })
  .meta({ id: 'RiskLimits' });

export const riskReadingSchema = z
  .object({
    limit: z.enum(RISK_LIMITS),
    value: z.string().describe('what is measured: a decimal amount, or basis points for max_drawdown ("120 bps")'),
    threshold: z.string().describe('the limit, in the same unit as `value`'),
    utilization: z.number().nonnegative().describe('value / threshold; 0 when disabled, 1 or more is a breach'),
    breached: z.boolean(),
    market: market.optional().describe('for max_position: the market at the highest utilisation'),
  })
  .meta({ id: 'RiskReading' });

export const emergencyDocumentSchema = emergencyStatusSchema
  .extend({
    limits: limitsViewSchema,
    risk: z.array(riskReadingSchema),
    history: z.array(transitionSchema).describe('recent transitions, newest first'),
  })
  .meta({ id: 'Emergency' });

export const limitsDocumentSchema = z.object({ limits: limitsViewSchema, risk: z.array(riskReadingSchema) });

export type TransitionOutcome = { ok: true; transition: EmergencyTransition } | { ok: false; message: string };

/**
 * Asks the `emergency-controller` singleton for a transition (Update-with-Start: the first call
 * starts it). The answer comes after the new state is written where every activity reads it.
 */
export async function requestTransition(
  services: Services,
  action: EmergencyAction,
  reason: string,
  actor: string,
): Promise<TransitionOutcome> {
  const start = new WithStartWorkflowOperation('emergencyController', {
    workflowId: EMERGENCY_CONTROLLER_ID,
    taskQueue: services.config.TEMPORAL_TASK_QUEUE,
    args: [{}],
    workflowIdConflictPolicy: 'USE_EXISTING',
    memo: { correlationId: EMERGENCY_CONTROLLER_ID },
  });
  try {
    const transition = await services.temporal.workflow.executeUpdateWithStart(transitionUpdate, {
      args: [{ action, reason, actor }],
      startWorkflowOperation: start,
    });
    return { ok: true, transition };
  } catch (err) {
    // a validator's refusal (or the re-check under the controller's lock) — the state is unchanged
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause;
      return { ok: false, message: cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : err.message };
    }
    throw err;
  }
}

interface RiskSources {
  store: Pick<AccountingStore, 'snapshot'>;
  emergency: EmergencyStore;
  riskDefaults: RiskLimits;
}

/** The live risk readings: accounting now, the day-start and peak marks the poller keeps, the live limits. */
export async function riskReadings(src: RiskSources): Promise<RiskReading[]> {
  const [{ state }, limits, risk] = await Promise.all([
    src.store.snapshot(),
    src.emergency.limits(src.riskDefaults),
    src.emergency.riskMarks(),
  ]);
  // accounting is in units already: balance, and position values at cost (what each market spent)
  const balance = state.balance;
  const positionValues = Object.fromEntries(MARKETS.map((m) => [m, state.positions[m].totalSpent])) as Record<Market, Units>;
  // reading must not move the marks (the poller owns them); before its first update they are the balance
  return evaluateRisk(
    {
      balance,
      positionValues,
      dayStartBalance: risk.day === utcDay(Date.now()) ? (risk.dayStart ?? balance) : balance,
      peakBalance: risk.peak ?? balance,
    },
    limits,
  );
}

export async function emergencyView(src: RiskSources): Promise<EmergencyStatus & { risk: RiskReading[] }> {
  const [status, risk] = await Promise.all([src.emergency.status(), riskReadings(src)]);
  return { ...status, risk };
}

/** GET /api/emergency: state, since, reason, actor, limits with utilisation, recent transitions. */
export async function emergencyDocument(services: Services) {
  const [status, risk, limits, history] = await Promise.all([
    services.emergency.status(),
    riskReadings(services),
    services.emergency.limits(services.riskDefaults),
    services.emergency.history(20),
  ]);
  return { ...status, limits: limitsView(limits), risk, history };
}
