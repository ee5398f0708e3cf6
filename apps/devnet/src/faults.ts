import type { Prng } from './prng';

export interface Fault {
  errorRate: number;
  latencyMs: number;
}

/** Per-method (or '*') injected errors and latency; dev.* methods are never faulted. */
export function createFaults(prng: Prng) {
  const faults = new Map<string, Fault>();
  return {
    set: (method: string, f: Fault) => faults.set(method, f),
    clear: () => faults.clear(),
    status: () => Object.fromEntries([...faults].map(([m, f]) => [m, { error_rate: f.errorRate, latency_ms: f.latencyMs }])),
    /** The fault to apply to a call of `method`, if any. */
    forMethod(method: string): { fail: boolean; latencyMs: number } | undefined {
      if (method.startsWith('dev.')) return undefined;
      const f = faults.get(method) ?? faults.get('*');
      if (!f) return undefined;
      return { fail: f.errorRate > 0 && prng.next() < f.errorRate, latencyMs: f.latencyMs };
    },
  };
}
export type Faults = ReturnType<typeof createFaults>;
