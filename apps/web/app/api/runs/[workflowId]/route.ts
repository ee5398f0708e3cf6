import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { errorSchema, isoTime } from '@/lib/server/api-schemas';
import { endpoint, routeMethods } from '@/lib/server/endpoint';
import { temporalRunUrl } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** One run: its Temporal description, and its result once completed. */
const getRun = endpoint({
  method: 'GET',
  path: '/api/runs/{workflowId}',
  operationId: 'getRun',
  summary: 'one run: its Temporal description, and its result once completed',
  tags: ['runs'],
  access: 'viewer',
  params: z.object({ workflowId: z.string().min(1).max(1000).describe('the workflow id') }),
  responses: {
    200: {
      description: 'the run (its latest execution)',
      schema: z.object({
        workflowId: z.string(),
        runId: z.string(),
        workflowType: z.string(),
        status: z.string().describe('Temporal execution status: RUNNING, COMPLETED, FAILED, …'),
        startTime: isoTime,
        closeTime: isoTime.nullable(),
        historyLength: z.number().int().nonnegative(),
        memo: z.record(z.string(), z.unknown()).describe('correlationId, startedBy, …'),
        result: z.unknown().optional().describe("the workflow's result once COMPLETED"),
        temporalUrl: z.url(),
      }),
    },
    404: { description: 'no run with this workflow id', schema: errorSchema },
  },
}).handle(async ({ services, params }) => {
  const handle = services.temporal.workflow.getHandle(params.workflowId);
  try {
    const d = await handle.describe();
    const result: unknown = d.status.name === 'COMPLETED' ? await handle.result() : undefined;
    return {
      status: 200,
      body: {
        workflowId: d.workflowId,
        runId: d.runId,
        workflowType: d.type,
        status: d.status.name,
        startTime: d.startTime.toISOString(),
        closeTime: d.closeTime?.toISOString() ?? null,
        historyLength: d.historyLength,
        memo: d.memo ?? {},
        result,
        temporalUrl: temporalRunUrl(services, d.workflowId, d.runId),
      },
    };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { status: 404, body: { error: `no run with workflowId "${params.workflowId}"` } };
    throw err;
  }
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(getRun);
