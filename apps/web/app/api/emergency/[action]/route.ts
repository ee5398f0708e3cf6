import { z } from 'zod';
import { errorSchema } from '@/lib/server/api-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { emergencyActionSchema, requestTransition, transitionBodySchema, transitionSchema } from '@/lib/server/emergency';

export const dynamic = 'force-dynamic';

/**
 * POST /api/emergency/alert|halt|resume|shutdown with `{ "reason" }`. Answered once the new state
 * is written where every submitting activity reads it: after a 200 to `halt`, no chain submission
 * starts. A transition not allowed from the current state is 409 naming both. Audited (refusals of
 * the path or body by the registry, under the same action).
 */
const transition = endpoint({
  method: 'POST',
  path: '/api/emergency/{action}',
  operationId: 'emergencyTransition',
  summary: 'alert, halt, shutdown or resume, with a reason; answered once the new state is in force',
  description:
    'Answered after the new state is written where every submitting activity reads it: after a 200 to `halt`, no chain submission starts. HALT stays latched until `resume`.',
  tags: ['emergency'],
  access: 'operator',
  params: z.object({ action: emergencyActionSchema.describe('alert, halt, shutdown or resume') }),
  badPathIsNotFound: true,
  body: transitionBodySchema,
  audit: (p) => `emergency.${p.action ?? ''}`,
  responses: {
    200: { description: 'the transition, in force', schema: transitionSchema },
    409: { description: 'the action is not allowed from the current state (the message names both)', schema: errorSchema },
    503: { description: 'the emergency controller could not be reached through Temporal; the state is unchanged', schema: errorSchema },
  },
}).handle(async ({ services, caller, params: { action }, body: { reason } }) => {
  const name = `emergency.${action}`;
  const record = async (outcome: 'accepted' | 'rejected' | 'failed', why: string) => {
    services.metrics.controlActions.inc({ action: name, outcome });
    await services.audit.append({ actor: caller.actor, action: name, target: 'emergency-controller', outcome, reason: why });
  };
  try {
    const outcome = await requestTransition(services, action, reason, caller.actor);
    if (!outcome.ok) {
      await record('rejected', `${reason} — refused: ${outcome.message}`);
      return { status: 409, body: { error: outcome.message } };
    }
    await record('accepted', reason);
    return { status: 200, body: outcome.transition };
  } catch (err) {
    await record('failed', reason);
    return { status: 503, body: { error: `could not reach the emergency controller through Temporal: ${(err as Error).message}` } };
  }
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(transition);
