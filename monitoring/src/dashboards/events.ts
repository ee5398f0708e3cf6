import { blockopsDashboard, row, stat, timeseries } from './common';

/** The realtime path: worker → Redis stream → gateway → Socket.IO (DESIGN.md §5). */
export function eventsDashboard() {
  return blockopsDashboard(
    'blockops-events',
    'blockops / Events & realtime',
    'Events published by the worker and relayed to the console. Alerts: EventRelaySlow, EventPublishErrors.',
  )
    .withRow(row('Relay'))
    .withPanel(stat('Open sockets', [['sum(blockops_socket_connections)', 'sockets']], { width: 6 }))
    .withPanel(
      timeseries(
        'Relay latency (publish → socket)',
        [
          ['blockops:event_relay_latency_seconds:p50_5m', 'p50'],
          ['blockops:event_relay_latency_seconds:p99_5m', 'p99'],
        ],
        { unit: 's', width: 18 },
      ),
    )
    .withPanel(timeseries('Published by type', [['blockops:events_published:rate5m', '{{type}}']], { unit: 'reqps', width: 12 }))
    .withPanel(timeseries('Relayed by type', [['blockops:events_relayed:rate5m', '{{type}}']], { unit: 'reqps', width: 12 }))
    .withPanel(
      timeseries(
        'Publish errors and replays',
        [
          ['blockops:event_publish_errors:rate5m', 'publish errors'],
          ['sum(rate(blockops_events_replayed_total[5m]))', 'replayed to reconnecting clients'],
        ],
        { unit: 'reqps', width: 12 },
      ),
    )
    .withPanel(
      timeseries('Event loop lag (p99)', [['max by (job) (nodejs_eventloop_lag_p99_seconds)', '{{job}}']], { unit: 's', width: 12 }),
    );
}
