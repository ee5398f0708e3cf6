import {
  EMERGENCY_STATES,
  formatUnits,
  parseAmount,
  type EmergencyState,
  type EmergencyStatus,
  type EmergencyTransition,
  type RiskLimits,
  type Units,
} from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { emergencyKeys } from './keys';
import { markRiskScript, permitScript } from './scripts';

export type Permit = { ok: true } | { ok: false; state: EmergencyState; reason: string };

export interface StoredLimits extends RiskLimits {
  updatedAt?: string;
  actor?: string;
}

const HISTORY_KEPT = 200;
const INITIAL: EmergencyStatus = { state: 'NORMAL', since: new Date(0).toISOString(), reason: 'initial state', actor: 'system' };

/**
 * Where every activity reads the emergency state (DESIGN §3): the controller workflow writes a
 * transition here before acknowledging it, and submitting activities take a permit that checks the
 * state and records their intent in one script.
 */
export function createEmergencyStore(opts: { redis: RedisClient; prefix: string }) {
  const { redis } = opts;
  const keys = emergencyKeys(opts.prefix);

  return {
    keys,

    async status(): Promise<EmergencyStatus> {
      const h = await redis.hGetAll(keys.state);
      if (!h.state) return INITIAL;
      if (!(EMERGENCY_STATES as readonly string[]).includes(h.state)) {
        throw new Error(
          `${keys.state}: unknown emergency state ${JSON.stringify(h.state)}; fix or delete the key (redis-cli DEL ${keys.state})`,
        );
      }
      return { state: h.state as EmergencyState, since: h.since ?? INITIAL.since, reason: h.reason ?? '', actor: h.actor ?? '' };
    },

    /** Writes the new state and appends the transition to the history, atomically. */
    async record(t: EmergencyTransition): Promise<void> {
      await redis
        .multi()
        .hSet(keys.state, { state: t.state, since: t.since, reason: t.reason, actor: t.actor })
        .lPush(keys.history, JSON.stringify(t))
        .lTrim(keys.history, 0, HISTORY_KEPT - 1)
        .exec();
    },

    /** Newest first. */
    async history(limit = 20): Promise<EmergencyTransition[]> {
      const rows = await redis.lRange(keys.history, 0, Math.max(0, Math.min(limit, HISTORY_KEPT) - 1));
      return rows.map((r) => JSON.parse(r) as EmergencyTransition);
    },

    /** May these ids be submitted now? Records the intent when they may (one atomic step). */
    async permit(ids: string[]): Promise<Permit> {
      const r = (await permitScript(redis, [keys.state, keys.intents], ids)) as [number, string?, string?];
      return r[0] === 1 ? { ok: true } : { ok: false, state: r[1] as EmergencyState, reason: r[2] ?? '' };
    },

    /** Submission intents recorded at or after `sinceMs` (newest first, the last 10,000 kept). */
    async intentsSince(sinceMs: number): Promise<{ atMs: number; id: string }[]> {
      const rows = await redis.lRange(keys.intents, 0, -1);
      const out: { atMs: number; id: string }[] = [];
      for (const row of rows) {
        const at = Number(row.slice(0, row.indexOf(' ')));
        if (at < sinceMs) break;
        out.push({ atMs: at, id: row.slice(row.indexOf(' ') + 1) });
      }
      return out;
    },

    /** The live limits: what an operator set, else the configured defaults. */
    async limits(defaults: RiskLimits): Promise<StoredLimits> {
      const h = await redis.hGetAll(keys.limits);
      return {
        dailyLoss: h.dailyLoss !== undefined ? BigInt(h.dailyLoss) : defaults.dailyLoss,
        maxPosition: h.maxPosition !== undefined ? BigInt(h.maxPosition) : defaults.maxPosition,
        maxDrawdownBps: h.maxDrawdownBps !== undefined ? Number(h.maxDrawdownBps) : defaults.maxDrawdownBps,
        ...(h.updatedAt ? { updatedAt: h.updatedAt } : {}),
        ...(h.actor ? { actor: h.actor } : {}),
      };
    },

    async setLimits(l: Partial<RiskLimits>, actor: string, now = new Date()): Promise<void> {
      const fields: Record<string, string> = { updatedAt: now.toISOString(), actor };
      if (l.dailyLoss !== undefined) fields.dailyLoss = l.dailyLoss.toString();
      if (l.maxPosition !== undefined) fields.maxPosition = l.maxPosition.toString();
      if (l.maxDrawdownBps !== undefined) fields.maxDrawdownBps = String(l.maxDrawdownBps);
      await redis.hSet(keys.limits, fields);
    },

    /** The marks as they stand (read-only). */
    async riskMarks(): Promise<{ day?: string; dayStart?: Units; peak?: Units }> {
      const h = await redis.hGetAll(keys.risk);
      return {
        ...(h.day ? { day: h.day } : {}),
        ...(h.dayStart ? { dayStart: BigInt(h.dayStart) } : {}),
        ...(h.peak ? { peak: BigInt(h.peak) } : {}),
      };
    },

    /** Updates the day-start and peak marks with a P&L update (balance before and after it); returns them. */
    async markRisk(before: Units, after: Units, day: string): Promise<{ dayStartBalance: Units; peakBalance: Units }> {
      const [dayStart, peak] = (await markRiskScript(redis, [keys.risk], [before.toString(), after.toString(), day])) as [string, string];
      return { dayStartBalance: BigInt(dayStart), peakBalance: BigInt(peak) };
    },
  };
}

export type EmergencyStore = ReturnType<typeof createEmergencyStore>;

/** Limits from env-style decimal strings ("500" → units); "0" disables a limit. */
export function limitsFromConfig(c: { dailyLoss: string; maxPosition: string; maxDrawdownPct: number }): RiskLimits {
  return {
    dailyLoss: parseAmount(c.dailyLoss),
    maxPosition: parseAmount(c.maxPosition),
    maxDrawdownBps: Math.round(c.maxDrawdownPct * 100),
  };
}

/** Limits as the API shows them: decimal strings and a percentage. */
export function limitsView(l: StoredLimits) {
  return {
    dailyLoss: formatUnits(l.dailyLoss),
    maxPosition: formatUnits(l.maxPosition),
    maxDrawdownPct: l.maxDrawdownBps / 100,
    ...(l.updatedAt ? { updatedAt: l.updatedAt } : {}),
    ...(l.actor ? { actor: l.actor } : {}),
  };
}
