import { blockopsDashboard, row, timeseries } from './common';

/** Temporal: the server's own metrics (dev server or cluster) and the worker's view of its tasks. */
export function temporalDashboard() {
  return blockopsDashboard(
    'blockops-temporal',
    'blockops / Temporal',
    "Temporal server task latencies and request rates, and blockops' workflows and activities. Alert: TemporalTaskLatencyHigh.",
  )
    .withRow(row('Server'))
    .withPanel(
      timeseries('Schedule-to-start latency (p95)', [['temporal:task_schedule_to_start_latency_seconds:p95_5m', '{{task_type}}']], {
        unit: 's',
        width: 12,
        description: 'How long tasks wait in the task queue for a worker',
      }),
    )
    .withPanel(
      timeseries('Successful polls', [['sum by (task_type) (rate(poll_success[5m]))', '{{task_type}}']], { unit: 'reqps', width: 12 }),
    )
    .withPanel(
      timeseries('Frontend requests', [['temporal:service_requests:rate5m{service_name="frontend"}', '{{operation}}']], {
        unit: 'reqps',
        width: 12,
      }),
    )
    .withPanel(
      timeseries('Frontend latency (p95)', [['temporal:service_latency_seconds:p95_5m', '{{operation}}']], { unit: 's', width: 12 }),
    )
    .withPanel(
      timeseries('Persistence latency (p95)', [['temporal:persistence_latency_seconds:p95_5m', '{{operation}}']], { unit: 's', width: 24 }),
    )
    .withRow(row('blockops workflows and activities'))
    .withPanel(
      timeseries('Workflow runs', [['blockops:workflow_executions:rate5m', '{{workflow_type}} {{status}}']], { unit: 'reqps', width: 12 }),
    )
    .withPanel(
      timeseries('Activity attempts', [['blockops:activity_executions:rate5m', '{{activity}} {{status}}']], { unit: 'reqps', width: 12 }),
    )
    .withPanel(
      timeseries('Activity duration (p95)', [['blockops:activity_duration_seconds:p95_5m', '{{activity}}']], { unit: 's', width: 24 }),
    );
}
