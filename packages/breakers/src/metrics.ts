import { Counter, Gauge, type Registry } from 'prom-client';
import { CHAIN_BREAKER, type BreakerView } from '@blockops/domain';
import type { BreakerStore } from './store';

/**
 * The seed's breaker metrics with a `breaker` label. The gauges are read from Redis at scrape time,
 * so every process that exports them (each worker, the web) reports the same shared value: query
 * them with `max by (breaker)`, never `sum`. The counters count what this process did, so they
 * add up across processes.
 */
export function registerBreakerMetrics(registry: Registry, store: Pick<BreakerStore, 'names' | 'view'>) {
  let last: Promise<Array<{ name: string; view: BreakerView }>> | undefined;
  // one read per scrape, shared by the gauges
  const views = () =>
    (last ??= (async () => {
      const names = [...new Set([CHAIN_BREAKER, ...(await store.names())])];
      return Promise.all(names.map((n) => store.view(n)));
    })().finally(() => setTimeout(() => (last = undefined), 100)));
  const gauge = (name: string, help: string, value: (v: BreakerView) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['breaker'],
      registers: [registry],
      async collect() {
        for (const b of await views()) this.set({ breaker: b.name }, value(b.view));
      },
    });
  gauge(
    'treasury_circuit_breaker_state',
    'Circuit breaker state (0 closed, 1 open, 2 half-open; forced states report 0 or 1)',
    (v) => v.stateValue,
  );
  gauge('treasury_circuit_breaker_failures', 'Consecutive transient failures inside the window (closed)', (v) => v.failures);
  gauge('treasury_circuit_breaker_successes', 'Probe successes in the current half-open period', (v) => v.successes);
  gauge('treasury_circuit_breaker_forced', '1 while an operator holds the breaker open or closed', (v) => (v.forced ? 1 : 0));
  return {
    calls: new Counter({
      name: 'treasury_circuit_breaker_calls_total',
      help: 'Guarded calls by outcome: success, failure (counted), ignored (cancelled/storage class), rejected (breaker open)',
      labelNames: ['breaker', 'outcome'],
      registers: [registry],
    }),
    transitions: new Counter({
      name: 'treasury_circuit_breaker_transitions_total',
      help: 'Breaker transitions made by this process',
      labelNames: ['breaker', 'from', 'to'],
      registers: [registry],
    }),
  };
}
export type BreakerMetrics = ReturnType<typeof registerBreakerMetrics>;
