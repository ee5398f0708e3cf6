/**
 * What the Temporal server did, from its own Prometheus metrics (the dev server's --metrics-port):
 * workflow and activity tasks, signals and persistence writes between two scrapes, to say how much
 * server work one operation costs beside one no-op workflow.
 */

/** service_requests / persistence_requests of the history service, summed per operation label. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url)).text();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(service_requests|persistence_requests)\{([^}]*)\} ([0-9.e+]+)$/.exec(line);
    if (!m || !/service_name="history"/.test(m[2]!)) continue;
    const op = /operation="([^"]*)"/.exec(m[2]!)?.[1] ?? '';
    const key = `${m[1]}:${op}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(m[3]));
  }
  return counts;
}

export interface TemporalWork {
  workflow_tasks: number;
  activity_tasks: number;
  signals: number;
  /** mutable-state writes (CreateWorkflowExecution + UpdateWorkflowExecution): each a SQLite transaction */
  state_writes: number;
  history_reads: number;
  persistence_requests: number;
}

/** Starts counting; the returned function gives the server's work per unit (divided by `per`) since then. */
export async function temporalWorkMeter(metricsUrl: string): Promise<(per: number) => Promise<TemporalWork>> {
  const before = await scrape(metricsUrl);
  return async (per) => {
    const after = await scrape(metricsUrl);
    const d = (key: string) => ((after.get(key) ?? 0) - (before.get(key) ?? 0)) / per;
    let persistence = 0;
    for (const [k, v] of after) if (k.startsWith('persistence_requests:')) persistence += v - (before.get(k) ?? 0);
    const r = (x: number) => Math.round(x * 100) / 100;
    return {
      workflow_tasks: r(d('service_requests:RespondWorkflowTaskCompleted') + d('service_requests:RespondWorkflowTaskFailed')),
      activity_tasks: r(d('service_requests:RecordActivityTaskStarted')),
      signals: r(d('service_requests:SignalWorkflowExecution')),
      state_writes: r(d('persistence_requests:CreateWorkflowExecution') + d('persistence_requests:UpdateWorkflowExecution')),
      history_reads: r(d('persistence_requests:ReadHistoryBranch')),
      persistence_requests: r(persistence / per),
    };
  };
}

/** `{ prefix_key: value }` for a figures table. */
export const prefixed = (work: TemporalWork, prefix: string) =>
  Object.fromEntries(Object.entries(work).map(([k, v]) => [`${prefix}_temporal_${k}`, v]));
