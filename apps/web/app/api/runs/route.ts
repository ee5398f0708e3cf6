import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { catalog, isWorkflowName } from '@/lib/server/catalog';
import { json, problem, readJson, route, temporalRunUrl, zodIssues } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const startSchema = z
  .object({
    workflowType: z.string().min(1, 'is required'),
    input: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Start a run. 202 with its ids and links; 400 names the bad field; every call is audited. */
export const POST = route('operator', async (req, { services, caller }) => {
  const { audit, metrics, temporal, config } = services;
  const reject = async (res: Response, reason: string, target?: string) => {
    metrics.controlActions.inc({ action: 'workflow.start', outcome: 'rejected' });
    await audit.append({ actor: caller.actor, action: 'workflow.start', target, outcome: 'rejected', reason });
    return res;
  };
  const body = await readJson(req);
  if (!body.ok) return reject(body.res, 'unreadable body');
  const parsed = startSchema.safeParse(body.value);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    return reject(problem(400, 'invalid request', { issues }), JSON.stringify(issues));
  }
  const { workflowType } = parsed.data;
  if (!isWorkflowName(workflowType)) {
    const known = Object.keys(catalog).join(', ');
    return reject(
      problem(400, `workflowType: unknown workflow "${workflowType.slice(0, 100)}"; one of: ${known}`, {
        issues: [{ field: 'workflowType', message: `must be one of: ${known}` }],
      }),
      'unknown workflow type',
    );
  }
  const entry = catalog[workflowType];
  const input = entry.input.safeParse(parsed.data.input ?? {});
  if (!input.success) {
    const issues = zodIssues(input.error).map((i) => ({ ...i, field: `input.${i.field}` }));
    return reject(problem(400, 'invalid input', { issues }), JSON.stringify(issues), workflowType);
  }
  const workflowId = `${entry.idPrefix}-${randomUUID()}`;
  try {
    const handle = await temporal.workflow.start(workflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [input.data],
      memo: { correlationId: caller.correlationId, startedBy: caller.actor },
    });
    metrics.controlActions.inc({ action: 'workflow.start', outcome: 'accepted' });
    await audit.append({
      actor: caller.actor,
      action: 'workflow.start',
      target: workflowId,
      outcome: 'accepted',
      details: { workflowType, runId: handle.firstExecutionRunId, correlationId: caller.correlationId },
    });
    return json(
      {
        workflowId,
        runId: handle.firstExecutionRunId,
        workflowType,
        correlationId: caller.correlationId,
        temporalUrl: temporalRunUrl(services, workflowId, handle.firstExecutionRunId),
        consoleUrl: `/runs/${encodeURIComponent(workflowId)}`,
      },
      202,
    );
  } catch (err) {
    metrics.controlActions.inc({ action: 'workflow.start', outcome: 'failed' });
    await audit.append({
      actor: caller.actor,
      action: 'workflow.start',
      target: workflowId,
      outcome: 'failed',
      reason: (err as Error).message,
    });
    return problem(503, `could not start the run on Temporal: ${(err as Error).message}`);
  }
});

const listQuery = z.object({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  workflowType: z
    .string()
    .regex(/^\w{1,100}$/, 'must be a workflow type name')
    .optional(),
  status: z.enum(['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut']).optional(),
});

/** Recent runs from Temporal visibility, newest first. */
export const GET = route('viewer', async (req, { services }) => {
  const url = new URL(req.url);
  const q = listQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!q.success) return problem(400, 'invalid query', { issues: zodIssues(q.error) });
  const clauses = [
    q.data.workflowType && `WorkflowType = '${q.data.workflowType}'`,
    q.data.status && `ExecutionStatus = '${q.data.status}'`,
  ].filter(Boolean);
  const runs = [];
  for await (const wf of services.temporal.workflow.list({ query: clauses.join(' AND ') || undefined })) {
    runs.push({
      workflowId: wf.workflowId,
      runId: wf.runId,
      workflowType: wf.type,
      status: wf.status.name,
      startTime: wf.startTime.toISOString(),
      closeTime: wf.closeTime?.toISOString() ?? null,
      temporalUrl: temporalRunUrl(services, wf.workflowId, wf.runId),
    });
    if (runs.length >= q.data.limit) break;
  }
  return json({ runs });
});
