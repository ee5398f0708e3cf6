import { z } from 'zod';
import { throttleUpdateSchema } from '@blockops/domain';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { signalThrottle, throttleSchema, throttleView } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/** The executor throttle: chunks in flight per batch and items per chunk. */
const getThrottle = endpoint({
  method: 'GET',
  path: '/api/disbursements/throttle',
  operationId: 'getTreasuryThrottle',
  summary: 'the executor throttle: chunks in flight per batch, items per chunk, and the executor pool that caps them',
  tags: ['treasury'],
  access: 'viewer',
  responses: { 200: { description: 'the throttle in force', schema: throttleSchema } },
}).handle(async ({ services }) => ({ status: 200, body: throttleView(services, await services.treasury.throttle()) }));

/** Changes the throttle while batches run (operator, audited): stored, then signalled to every running batch. */
const setThrottle = endpoint({
  method: 'PUT',
  path: '/api/disbursements/throttle',
  operationId: 'setTreasuryThrottle',
  summary: 'change the throttle while batches run: stored, signalled to every running batch, audited',
  tags: ['treasury'],
  access: 'operator',
  body: throttleUpdateSchema,
  audit: 'treasury.throttle',
  responses: {
    200: {
      description: 'the throttle now in force, and how many running batches were told',
      schema: throttleSchema.extend({ signalled: z.number().int().nonnegative() }),
    },
  },
}).handle(async ({ services, caller, body }) => {
  const { audit, metrics, treasury } = services;
  const before = await treasury.throttle();
  const after = await treasury.setThrottle(body, caller.actor);
  // the change is in force once stored (every chunk reads it); telling running batches only makes
  // their next chunk use it sooner, so a failure to tell them never leaves the change unaudited
  let signalled = 0;
  let signalError: string | undefined;
  try {
    signalled = await signalThrottle(services, after);
  } catch (err) {
    signalError = (err as Error).message;
  }
  metrics.controlActions.inc({ action: 'treasury.throttle', outcome: 'accepted' });
  await audit.append({
    actor: caller.actor,
    action: 'treasury.throttle',
    target: 'treasury',
    outcome: 'accepted',
    reason: body.reason,
    details: {
      before: { maxInFlightChunks: before.maxInFlightChunks, chunkSize: before.chunkSize },
      after: { maxInFlightChunks: after.maxInFlightChunks, chunkSize: after.chunkSize },
      signalled,
      ...(signalError ? { signalError } : {}),
    },
  });
  return { status: 200, body: { ...throttleView(services, after), signalled } };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getThrottle, setThrottle);
