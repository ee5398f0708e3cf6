import http from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    eventsPublished: new Counter({
      name: 'blockops_events_published_total',
      help: 'Events appended to the Redis event stream, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    eventPublishErrors: new Counter({
      name: 'blockops_event_publish_errors_total',
      help: 'Events that could not be published (the run goes on; the event is lost)',
      registers: [registry],
    }),
    activityExecutions: new Counter({
      name: 'blockops_activity_executions_total',
      help: 'Activity attempts by activity type and outcome',
      labelNames: ['activity', 'status'],
      registers: [registry],
    }),
    activityDuration: new Histogram({
      name: 'blockops_activity_duration_seconds',
      help: 'Activity attempt duration',
      labelNames: ['activity'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    workflowExecutions: new Counter({
      name: 'blockops_workflow_executions_total',
      help: 'Workflow runs by type and outcome (started, completed, failed, halted)',
      labelNames: ['workflow_type', 'status'],
      registers: [registry],
    }),
  };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** Serves GET /metrics (Prometheus text) and GET /health on `port`. */
export function serveMetrics(registry: Registry, port: number, host = '0.0.0.0'): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    if (req.url === '/metrics') {
      res.setHeader('Content-Type', registry.contentType);
      res.end(await registry.metrics());
    } else if (req.url === '/health') {
      res.setHeader('Content-Type', 'application/json');
      res.end('{"status":"ok"}');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
