import { z } from 'zod';
import { BREAKER_STATES, CHAIN_BREAKER, breakerView, describeTransition, type BreakerConfig, type BreakerView } from '@blockops/domain';
import type { BreakerNote, BreakerStore, StepResult } from '@blockops/breakers';
import { isoTime } from './api-schemas';
import type { Services } from './services';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined || ms === 0 ? null : new Date(ms).toISOString());

/** One breaker as `GET /api/breakers` shows it: times ISO, thresholds as the workers run them. */
export function breakerJson(b: { name: string; now: number; view: BreakerView; config: BreakerConfig; last?: BreakerNote }) {
  const { view: v } = b;
  return {
    name: b.name,
    state: v.state,
    /** the metric's value: 0 closed, 1 open, 2 half-open */
    stateValue: v.stateValue,
    forced: v.forced,
    failures: v.failures,
    successes: v.successes,
    activeProbes: v.activeProbes,
    openedAt: iso(v.openedAt),
    nextProbeAt: iso(v.nextProbeAt),
    changedAt: iso(v.changedAt),
    thresholds: b.config,
    lastTransition: b.last ? { ...b.last, at: iso(b.last.at) } : null,
  };
}
export type BreakerJson = ReturnType<typeof breakerJson>;

/** Every breaker a worker registered, and always the chain's. */
export async function listBreakers(store: BreakerStore) {
  const names = [...new Set([CHAIN_BREAKER, ...(await store.names())])].sort();
  const views = await Promise.all(names.map((n) => store.view(n)));
  return { now: iso(views[0]?.now ?? Date.now()), breakers: views.map(breakerJson) };
}

export const breakerControlSchema = z
  .object({ reason: z.string({ error: 'is required' }).trim().min(1, 'is required: say why').max(500, 'must be at most 500 characters') })
  .strict();

export type BreakerAction = 'force-open' | 'force-close' | 'reset';
const ACTIONS: Record<BreakerAction, { audit: string; step: (s: BreakerStore, name: string) => Promise<StepResult> }> = {
  'force-open': { audit: 'breaker.force_open', step: (s, n) => s.forceOpen(n) },
  'force-close': { audit: 'breaker.force_close', step: (s, n) => s.forceClose(n) },
  reset: { audit: 'breaker.reset', step: (s, n) => s.reset(n) },
};

/** Publishes the operator's transition (event, note, metric), as a worker's guard does for its own. */
async function report(services: Services, name: string, r: StepResult, actor: string, reason: string, correlationId: string) {
  const t = r.transition!;
  const cfg = (await services.breakers.registeredConfig(name)) ?? services.breakers.config;
  const v = breakerView(r.snapshot, cfg, r.now);
  services.breakerMetrics.transitions.inc({ breaker: name, from: t.from, to: t.to });
  await services.breakers.noteTransition(name, r, { reason, actor });
  await services.events.publish({
    type: 'breaker_state_changed',
    timestamp: new Date(t.at).toISOString(),
    workflowId: `breaker-${name}`,
    runId: '',
    workflowType: 'breaker',
    correlationId,
    breaker: name,
    previous_state: t.from,
    new_state: t.to,
    trigger: t.trigger,
    reason: `${describeTransition(t, cfg)}: ${reason}`,
    actor,
    failures: v.failures,
    successes: v.successes,
    opened_at: iso(v.openedAt),
    next_probe_at: iso(v.nextProbeAt),
  });
}

/** The breaker after an operator's action and whether its state changed (`changed: false`: it already was there). */
export async function controlBreaker(
  services: Services,
  action: BreakerAction,
  name: string,
  reason: string,
  caller: { actor: string; correlationId: string },
): Promise<{ status: 200; body: { changed: boolean; breaker: BreakerJson } } | { status: 404; body: { error: string } }> {
  const { audit, step } = ACTIONS[action];
  const record = async (outcome: 'accepted' | 'rejected', why: string, details?: Record<string, unknown>) => {
    services.metrics.controlActions.inc({ action: audit, outcome });
    await services.audit.append({ actor: caller.actor, action: audit, target: name, outcome, reason: why, details });
  };
  const known = [...new Set([CHAIN_BREAKER, ...(await services.breakers.names())])];
  if (!known.includes(name)) {
    const error = `no breaker named "${name}" (known: ${known.join(', ')})`;
    await record('rejected', `${reason} — refused: ${error}`);
    return { status: 404, body: { error } };
  }
  const r = await step(services.breakers, name);
  if (r.transition) await report(services, name, r, caller.actor, reason, caller.correlationId);
  const breaker = breakerJson(await services.breakers.view(name));
  await record('accepted', reason, { previous: r.transition?.from ?? breaker.state, state: breaker.state });
  return { status: 200, body: { changed: Boolean(r.transition), breaker } };
}

const nullableIso = isoTime.nullable();

/** `GET /api/breakers`'s breaker (zod, for the OpenAPI document and the contract test). */
export const breakerSchema = z
  .object({
    name: z.string(),
    state: z.enum(BREAKER_STATES),
    stateValue: z.union([z.literal(0), z.literal(1), z.literal(2)]).describe('the metric value: 0 closed, 1 open, 2 half-open'),
    forced: z.boolean(),
    failures: z.number().int().nonnegative(),
    successes: z.number().int().nonnegative(),
    activeProbes: z.number().int().nonnegative(),
    openedAt: nullableIso,
    nextProbeAt: nullableIso,
    changedAt: nullableIso,
    thresholds: z.object({
      failureThreshold: z.number().int().positive(),
      windowMs: z.number().int().positive(),
      openMs: z.number().int().positive(),
      halfOpenProbes: z.number().int().positive(),
      successThreshold: z.number().int().positive(),
      probeLeaseMs: z.number().int().positive(),
    }),
    lastTransition: z
      .object({
        from: z.enum(BREAKER_STATES),
        to: z.enum(BREAKER_STATES),
        trigger: z.string(),
        at: nullableIso,
        reason: z.string(),
        actor: z.string().optional(),
        cause: z.string().optional(),
      })
      .nullable(),
  })
  .meta({ id: 'Breaker' });

export const BREAKER_ACTIONS = Object.keys(ACTIONS) as BreakerAction[];
