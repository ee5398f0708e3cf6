import { z } from 'zod';
import { CHAIN_BREAKER, breakerNameSchema, breakerView, describeTransition, type BreakerConfig, type BreakerView } from '@blockops/domain';
import type { BreakerNote, BreakerStore, StepResult } from '@blockops/breakers';
import { json, problem, readJson, route, zodIssues } from './http';
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

/**
 * `POST /api/breakers/{name}/force-open|force-close|reset` with `{reason}`: operator key, audited
 * (refusals too). A forced state holds until reset. Answers the breaker after the action and
 * whether its state changed.
 */
export function breakerControl(action: BreakerAction) {
  const { audit, step } = ACTIONS[action];
  return route<{ name: string }>(
    'operator',
    async (req, { services, caller, params }) => {
      const record = async (res: Response, outcome: 'accepted' | 'rejected', reason?: string, details?: Record<string, unknown>) => {
        services.metrics.controlActions.inc({ action: audit, outcome });
        await services.audit.append({ actor: caller.actor, action: audit, target: params.name, outcome, reason, details });
        return res;
      };
      const name = breakerNameSchema.safeParse(params.name);
      if (!name.success) return record(problem(400, `name: ${name.error.issues[0]!.message}`), 'rejected', 'invalid name');
      const known = [...new Set([CHAIN_BREAKER, ...(await services.breakers.names())])];
      if (!known.includes(name.data))
        return record(problem(404, `no breaker named "${name.data}" (known: ${known.join(', ')})`), 'rejected', 'unknown breaker');
      const body = await readJson(req);
      if (!body.ok) return record(body.res, 'rejected', 'unreadable body');
      const parsed = breakerControlSchema.safeParse(body.value);
      if (!parsed.success) {
        const issues = zodIssues(parsed.error);
        return record(
          problem(400, `invalid request: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { issues }),
          'rejected',
          JSON.stringify(issues),
        );
      }
      const r = await step(services.breakers, name.data);
      if (r.transition) await report(services, name.data, r, caller.actor, parsed.data.reason, caller.correlationId);
      const breaker = breakerJson(await services.breakers.view(name.data));
      return record(json({ changed: Boolean(r.transition), breaker }), 'accepted', parsed.data.reason, {
        previous: r.transition?.from ?? breaker.state,
        state: breaker.state,
      });
    },
    { audit },
  );
}
