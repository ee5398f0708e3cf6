import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { errorSchema, isoTime } from '@/lib/server/api-schemas';
import { catalog, isWorkflowName } from '@/lib/server/catalog';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { temporalRunUrl } from '@/lib/server/http';
import { runSearchAttributesSchema, runSearchQuery, searchAttributesOf, searchClauses } from '@/lib/server/run-search';
import { CORRELATION_ID_KEY } from '@blockops/workflows/search-attributes';

export const dynamic = 'force-dynamic';

/** Execution statuses as the runs list reports them, and the visibility names they filter by. */
const RUN_STATUSES = {
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Canceled',
  TERMINATED: 'Terminated',
  CONTINUED_AS_NEW: 'ContinuedAsNew',
  TIMED_OUT: 'TimedOut',
} as const;
const runStatus = z.enum(Object.keys(RUN_STATUSES) as [keyof typeof RUN_STATUSES, ...(keyof typeof RUN_STATUSES)[]]);

const runSummarySchema = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    workflowType: z.string(),
    status: z.string().describe('Temporal execution status: RUNNING, COMPLETED, FAILED, …'),
    startTime: isoTime,
    closeTime: isoTime.nullable(),
    ...runSearchAttributesSchema.shape,
    temporalUrl: z.url(),
  })
  .meta({ id: 'RunSummary' });

/** Recent runs from Temporal visibility, newest first; filters by type, Temporal status and blockops' search attributes. */
const listRuns = endpoint({
  method: 'GET',
  path: '/api/runs',
  operationId: 'listRuns',
  summary:
    "recent runs from Temporal visibility, newest first; filter by type, Temporal status, or blockops' search attributes (market, businessStatus, correlationId, batchId)",
  tags: ['runs'],
  access: 'viewer',
  query: runSearchQuery.extend({
    limit: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
    workflowType: z
      .string()
      .regex(/^\w{1,100}$/, 'must be a workflow type name')
      .optional()
      .describe('e.g. operation, networkCheck, receiptPoller'),
    status: runStatus.optional().describe('only runs in this status, as the list reports it (e.g. RUNNING)'),
  }),
  responses: { 200: { description: 'the runs', schema: z.object({ runs: z.array(runSummarySchema) }) } },
}).handle(async ({ services, query }) => {
  const clauses = [
    query.workflowType && `WorkflowType = '${query.workflowType}'`,
    query.status && `ExecutionStatus = '${RUN_STATUSES[query.status]}'`,
    ...searchClauses(query),
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
      ...searchAttributesOf(wf),
      temporalUrl: temporalRunUrl(services, wf.workflowId, wf.runId),
    });
    if (runs.length >= query.limit) break;
  }
  return { status: 200, body: { runs } };
});

/** Start a run. 202 with its ids and links; 400 names the bad field; every call is audited. */
const startRun = endpoint({
  method: 'POST',
  path: '/api/runs',
  operationId: 'startRun',
  summary: 'start a workflow from the catalogue (GET /api/workflows lists them with their input schemas)',
  tags: ['runs'],
  access: 'operator',
  body: z
    .object({
      workflowType: z.string().min(1, 'is required').describe('a name from GET /api/workflows'),
      input: z.record(z.string(), z.unknown()).optional().describe("the workflow's input; see its inputSchema"),
    })
    .strict(),
  audit: 'workflow.start',
  responses: {
    202: {
      description: 'started',
      schema: z.object({
        workflowId: z.string(),
        runId: z.string(),
        workflowType: z.string(),
        correlationId: z.string(),
        temporalUrl: z.url(),
        consoleUrl: z.string(),
      }),
    },
    400: {
      description: 'unknown workflow type or invalid input: `issues` name each field (input.<field>) and its limit',
      schema: errorSchema,
    },
    503: { description: 'Temporal could not start the run, or a dependency is broken', schema: errorSchema },
  },
}).handle(async ({ services, caller, body }) => {
  const { audit, metrics, temporal, config } = services;
  const reject = async (error: string, issues: { field: string; message: string }[], reason: string, target?: string) => {
    metrics.controlActions.inc({ action: 'workflow.start', outcome: 'rejected' });
    await audit.append({ actor: caller.actor, action: 'workflow.start', target, outcome: 'rejected', reason });
    return { status: 400 as const, body: { error, issues } };
  };
  const { workflowType } = body;
  if (!isWorkflowName(workflowType)) {
    const known = Object.keys(catalog).join(', ');
    return reject(
      `workflowType: unknown workflow "${workflowType.slice(0, 100)}"; one of: ${known}`,
      [{ field: 'workflowType', message: `must be one of: ${known}` }],
      'unknown workflow type',
    );
  }
  const entry = catalog[workflowType];
  const input = entry.input.safeParse(body.input ?? {});
  if (!input.success) {
    const issues = input.error.issues.map((i) => ({ field: `input.${i.path.join('.')}`.replace(/\.$/, ''), message: i.message }));
    return reject(
      `invalid input: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
      JSON.stringify(issues),
      workflowType,
    );
  }
  const workflowId = `${entry.idPrefix}-${randomUUID()}`;
  try {
    const handle = await temporal.workflow.start(workflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [input.data],
      memo: { correlationId: caller.correlationId, startedBy: caller.actor },
      typedSearchAttributes: [{ key: CORRELATION_ID_KEY, value: caller.correlationId }],
      staticSummary: `${entry.title} started by ${caller.actor}`,
      staticDetails: `${entry.description}\n\nCorrelation id \`${caller.correlationId}\``,
    });
    metrics.controlActions.inc({ action: 'workflow.start', outcome: 'accepted' });
    await audit.append({
      actor: caller.actor,
      action: 'workflow.start',
      target: workflowId,
      outcome: 'accepted',
      details: { workflowType, runId: handle.firstExecutionRunId, correlationId: caller.correlationId },
    });
    return {
      status: 202,
      body: {
        workflowId,
        runId: handle.firstExecutionRunId,
        workflowType,
        correlationId: caller.correlationId,
        temporalUrl: temporalRunUrl(services, workflowId, handle.firstExecutionRunId),
        consoleUrl: `/runs/${encodeURIComponent(workflowId)}`,
      },
    };
  } catch (err) {
    metrics.controlActions.inc({ action: 'workflow.start', outcome: 'failed' });
    await audit.append({
      actor: caller.actor,
      action: 'workflow.start',
      target: workflowId,
      outcome: 'failed',
      reason: (err as Error).message,
    });
    return { status: 503, body: { error: `could not start the run on Temporal: ${(err as Error).message}` } };
  }
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(listRuns, startRun);
