import { z } from 'zod';
import { BREAKER_STATES } from '@blockops/domain';
import { amount, errorSchema, isoTime, market, runLinks as runLinksSchema } from '@/lib/server/api-schemas';
import { gateSchema } from '@/lib/server/chain-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { runLinks } from '@/lib/server/http';
import { breakerRefusal, newOperationId, submitOperation, submitOperationSchema, unavailable } from '@/lib/server/operations';

export const dynamic = 'force-dynamic';

const refusal = errorSchema.extend({ operationId: z.string(), ...runLinksSchema });

/**
 * Submit an operation. The answer comes from the operation workflow's admission: 202 submitted,
 * 409 gate closed, emergency halt (or id already used), 402 balance short, 400 invalid input (naming the field),
 * 422/502 refused or failed by the node,
 * 503 with Retry-After while the chain's circuit breaker is open (nothing started or reserved when
 * it is seen open here; released by the workflow when its submit is refused).
 * Nothing reaches the chain unless the answer is 202. Every call is audited.
 */
const submit = endpoint({
  method: 'POST',
  path: '/api/operations',
  operationId: 'submitOperation',
  summary: 'submit an operation; the answer is the operation workflow’s admission (Update-with-Start)',
  description:
    'Admitted only through an open (Trade) gate and with the estimated cost available; the cost is reserved until the receipt settles it. `operationId` is the idempotency key.',
  tags: ['operations'],
  access: 'operator',
  body: submitOperationSchema,
  audit: 'operation.submit',
  responses: {
    202: {
      description: 'submitted to the node; confirmation follows with its receipt',
      schema: z.object({
        operationId: z.string(),
        txHash: z.string(),
        status: z.literal('SUBMITTED'),
        correlationId: z.string(),
        ...runLinksSchema,
      }),
    },
    402: {
      description: 'balance short: the estimated cost is more than the available funds',
      schema: refusal.extend({ need: amount, available: amount }),
    },
    409: {
      description:
        'the market’s gate is closed (`gate`), the emergency controller halts submissions (`halt`), or the operation id was already used',
      schema: refusal.extend({
        gate: gateSchema.extend({ market }).optional(),
        halt: z
          .object({
            state: z.string().describe('HALT or SHUTDOWN'),
            reason: z.string().describe('why the operator (or a risk limit) halted'),
          })
          .optional(),
      }),
    },
    422: { description: 'the node refused the operation', schema: refusal },
    502: { description: 'the node failed while submitting (retries exhausted), or the run failed before it could answer', schema: refusal },
    503: {
      description:
        'The Block is unavailable: the circuit breaker is open (`breaker`, `retryAt`, `retryAfterSeconds` and a `Retry-After` header; nothing submitted or reserved: submit the same operationId again then); or Temporal could not be reached to run the operation',
      schema: errorSchema.extend({
        operationId: z.string().optional(),
        breaker: z.string().optional(),
        state: z.enum(BREAKER_STATES).optional().describe('the breaker’s state when it refused before starting the run'),
        retryAt: isoTime.optional(),
        retryAfterSeconds: z.number().int().positive().optional(),
        workflowId: z.string().optional(),
        temporalUrl: z.url().optional(),
        consoleUrl: z.string().optional(),
      }),
    },
  },
}).handle(async ({ services, caller, body }) => {
  const { audit, metrics } = services;
  const record = async (
    outcome: 'accepted' | 'rejected' | 'failed',
    target: string,
    reason?: string,
    details?: Record<string, unknown>,
  ) => {
    metrics.controlActions.inc({ action: 'operation.submit', outcome });
    await audit.append({ actor: caller.actor, action: 'operation.submit', target, outcome, reason, details });
  };
  const input = { ...body, operationId: body.operationId ?? newOperationId() };
  // the breaker is open: answer now, with nothing started and nothing reserved
  const refused = await breakerRefusal(services);
  if (refused) {
    const message = `The Block node is unavailable (circuit breaker ${refused.breaker} ${refused.state.replace('_', ' ')}): nothing was submitted; submit again after ${refused.retryAt}`;
    await record('rejected', input.operationId, message);
    return unavailable(message, {
      operationId: input.operationId,
      breaker: refused.breaker,
      state: refused.state,
      retryAt: refused.retryAt,
    });
  }
  let outcome;
  try {
    outcome = await submitOperation(services, input, { correlationId: caller.correlationId, startedBy: caller.actor });
  } catch (err) {
    const message = `could not submit the operation through Temporal: ${(err as Error).message}`;
    await record('failed', input.operationId, (err as Error).message);
    return { status: 503, body: { error: message, operationId: input.operationId } };
  }
  const links = runLinks(services, outcome.workflowId);
  if (outcome.kind === 'conflict') {
    await record('rejected', input.operationId, outcome.message);
    return { status: 409, body: { error: outcome.message, operationId: input.operationId, ...links } };
  }
  if (outcome.kind === 'failed') {
    // the run failed before it could answer (e.g. the node refused our credentials)
    await record('failed', input.operationId, outcome.message);
    return { status: 502, body: { error: outcome.message, operationId: input.operationId, ...links } };
  }
  const a = outcome.answer;
  switch (a.code) {
    case 202:
      await record('accepted', a.operationId, undefined, { market: input.market, estimatedCost: input.estimatedCost, txHash: a.txHash });
      return {
        status: 202,
        body: { operationId: a.operationId, txHash: a.txHash, status: 'SUBMITTED', correlationId: caller.correlationId, ...links },
      };
    case 409:
      // the gate's state, or the emergency halt that refused it
      await record('rejected', a.operationId, a.message);
      return {
        status: 409,
        body: { error: a.message, operationId: a.operationId, ...('gate' in a ? { gate: a.gate } : { halt: a.halt }), ...links },
      };
    case 402:
      await record('rejected', a.operationId, a.message);
      return {
        status: 402,
        body: { error: a.message, operationId: a.operationId, need: a.need, available: a.available, ...links },
      };
    case 503:
      await record('rejected', a.operationId, a.message);
      return unavailable(a.message, { operationId: a.operationId, breaker: a.breaker, retryAt: a.retryAt, ...links });
    default:
      await record('failed', a.operationId, a.message);
      return { status: a.code, body: { error: a.message, operationId: a.operationId, ...links } };
  }
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(submit);
