import type { z } from 'zod';
import type { issueSchema } from './api-schemas';
import type { Services } from './services';

export function json(data: unknown, status = 200, headers?: Record<string, string>): Response {
  return Response.json(data, { status, headers });
}

/** An error answer: `error` is one readable sentence; `issues` name fields and limits. */
export function problem(status: number, error: string, extra?: Record<string, unknown>): Response {
  return json({ error, ...extra }, status);
}

export function zodIssues(err: z.ZodError): z.infer<typeof issueSchema>[] {
  return err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}

export function temporalRunUrl(services: Services, workflowId: string, runId?: string): string {
  const { TEMPORAL_UI_URL, TEMPORAL_NAMESPACE } = services.config;
  const base = `${TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

/** The links every answer about a run carries (`runLinks` in api-schemas.ts). */
export function runLinks(services: Services, workflowId: string) {
  return { workflowId, temporalUrl: temporalRunUrl(services, workflowId), consoleUrl: `/runs/${encodeURIComponent(workflowId)}` };
}
