import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EMERGENCY_STATE_VALUE, type EmergencyState, type RiskReading } from '@blockops/domain';

export function createWebMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    eventsRelayed: new Counter({
      name: 'blockops_events_relayed_total',
      help: 'Events relayed from the Redis stream to Socket.IO rooms, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    eventsMalformed: new Counter({
      name: 'blockops_events_malformed_total',
      help: 'Entries of the event stream that are not valid events, skipped (reader=tail|replay); each reader counts what it reads',
      labelNames: ['reader'],
      registers: [registry],
    }),
    eventsReplayed: new Counter({
      name: 'blockops_events_replayed_total',
      help: 'Events replayed to reconnecting clients',
      registers: [registry],
    }),
    relayLatency: new Histogram({
      name: 'blockops_event_relay_latency_seconds',
      help: 'From the producer publishing an event to the gateway emitting it to sockets',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    relayBatchSize: new Histogram({
      name: 'blockops_event_relay_batch_size',
      help: 'Events per read of the stream by the gateway tail (XREAD COUNT caps it); each read is one message per client',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers: [registry],
    }),
    socketConnections: new Gauge({
      name: 'blockops_socket_connections',
      help: 'Open Socket.IO connections',
      registers: [registry],
    }),
    treasuryIntake: new Counter({
      name: 'treasury_disbursements_total',
      help: 'Disbursements by status: QUEUED when accepted at intake, CANCELLED when a dependency from an earlier batch had not executed (the worker counts the rest)',
      labelNames: ['status'],
      registers: [registry],
    }),
    controlActions: new Counter({
      name: 'blockops_control_actions_total',
      help: 'Control API calls by action and outcome',
      labelNames: ['action', 'outcome'],
      registers: [registry],
    }),
  };
  // intake's label values exist from the start (at 0)
  for (const status of ['QUEUED', 'CANCELLED'] as const) metrics.treasuryIntake.inc({ status }, 0);
  return metrics;
}
export type WebMetrics = ReturnType<typeof createWebMetrics>;

/**
 * `emergency_state` and `risk_limit_utilization{limit}` read from Redis at scrape time, so every web
 * process reports the one shared truth whichever worker wrote it.
 */
export function registerEmergencyGauges(registry: Registry, read: () => Promise<{ state: EmergencyState; risk: RiskReading[] }>) {
  let last: ReturnType<typeof read> | undefined;
  const once = () => (last ??= read().finally(() => setTimeout(() => (last = undefined), 100)));
  new Gauge({
    name: 'emergency_state',
    help: 'Emergency controller state: 0 NORMAL, 1 ALERT, 2 HALT, 3 SHUTDOWN',
    registers: [registry],
    async collect() {
      this.set(EMERGENCY_STATE_VALUE[(await once()).state]);
    },
  });
  new Gauge({
    name: 'risk_limit_utilization',
    help: 'Utilisation of each risk limit (value / threshold; 1 = breached, 0 when disabled)',
    labelNames: ['limit'],
    registers: [registry],
    async collect() {
      for (const r of (await once()).risk) this.set({ limit: r.limit }, r.utilization);
    },
  });
}
