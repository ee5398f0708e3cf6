import { WorkflowNotFoundError } from '@temporalio/client';
import { json, problem, route, temporalRunUrl } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

/** One run: its Temporal description, and its result once completed. */
export const GET = route<{ workflowId: string }>('viewer', async (_req, { services, params }) => {
  const handle = services.temporal.workflow.getHandle(params.workflowId);
  try {
    const d = await handle.describe();
    let result: unknown = undefined;
    if (d.status.name === 'COMPLETED') result = await handle.result();
    return json({
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
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return problem(404, `no run with workflowId "${params.workflowId}"`);
    throw err;
  }
});
