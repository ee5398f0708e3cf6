import { throttleUpdateSchema } from '@blockops/domain';
import { json, problem, readJson, route, zodIssues } from '@/lib/server/http';
import { signalThrottle, throttleView } from '@/lib/server/disbursements';

export const dynamic = 'force-dynamic';

/** The executor throttle: chunks in flight per batch and items per chunk. */
export const GET = route('viewer', async (_req, { services }) => json(throttleView(services, await services.treasury.throttle())));

/** Changes the throttle while batches run (operator, audited): stored, then signalled to every running batch. */
export const PUT = route('operator', async (req, { services, caller }) => {
  const { audit, metrics, treasury } = services;
  const record = async (res: Response, outcome: 'accepted' | 'rejected', reason?: string, details?: Record<string, unknown>) => {
    metrics.controlActions.inc({ action: 'treasury.throttle', outcome });
    await audit.append({ actor: caller.actor, action: 'treasury.throttle', target: 'treasury', outcome, reason, details });
    return res;
  };
  const body = await readJson(req);
  if (!body.ok) return record(body.res, 'rejected', 'unreadable body');
  const parsed = throttleUpdateSchema.safeParse(body.value);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    return record(
      problem(400, `invalid throttle: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { issues }),
      'rejected',
      JSON.stringify(issues),
    );
  }
  const before = await treasury.throttle();
  const after = await treasury.setThrottle(parsed.data, caller.actor);
  const signalled = await signalThrottle(services, after);
  return record(json({ ...throttleView(services, after), signalled }), 'accepted', parsed.data.reason, {
    before: { maxInFlightChunks: before.maxInFlightChunks, chunkSize: before.chunkSize },
    after: { maxInFlightChunks: after.maxInFlightChunks, chunkSize: after.chunkSize },
    signalled,
  });
});
