import { Counter, Gauge, Registry } from 'prom-client';

/**
 * The devnet's own /metrics: what a node operator would watch (head height, calls by method and
 * outcome, outages). Method labels are only the devnet's known methods, so cardinality is bounded.
 */
export function createDevnetMetrics(opts: { height: () => number; outage: () => boolean; methods: readonly string[] }) {
  const registry = new Registry();
  const known = new Set(opts.methods);
  new Gauge({
    name: 'theblock_devnet_block_height',
    help: 'Height of the devnet chain head',
    registers: [registry],
    collect() {
      this.set(opts.height());
    },
  });
  new Gauge({
    name: 'theblock_devnet_outage',
    help: '1 while an injected outage (http_503 or refuse) is in force',
    registers: [registry],
    collect() {
      this.set(opts.outage() ? 1 : 0);
    },
  });
  const calls = new Counter({
    name: 'theblock_devnet_rpc_calls_total',
    help: 'JSON-RPC calls by method and outcome (ok, error, fault, unknown_method)',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  });
  return {
    registry,
    call(method: string, outcome: 'ok' | 'error' | 'fault' | 'unknown_method') {
      calls.inc({ method: known.has(method) ? method : 'other', outcome });
    },
  };
}
export type DevnetMetrics = ReturnType<typeof createDevnetMetrics>;
