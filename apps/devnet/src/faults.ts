import type { Prng } from './prng';

export interface Fault {
  errorRate: number;
  /** the JSON-RPC code an injected error carries (transient -32000 unless set) */
  errorCode: number;
  latencyMs: number;
  /** share of calls that get no answer at all: the client's timeout is what ends them */
  timeoutRate: number;
}

export interface FaultDecision {
  fail: boolean;
  code: number;
  latencyMs: number;
  hang: boolean;
}

/** Per-method (or '*') injected errors, latency and timeouts; dev.* methods are never faulted. */
export function createFaults(prng: Prng) {
  const faults = new Map<string, Fault>();
  // calls each fault was injected into (an error, a timeout or added latency), so a test can wait
  // until one has hit — e.g. a fetch held by latency is in flight — instead of guessing a window
  const injected = new Map<string, number>();
  return {
    set: (method: string, f: Fault) => {
      faults.set(method, f);
      injected.set(method, 0);
    },
    clear: () => {
      faults.clear();
      injected.clear();
    },
    status: () =>
      Object.fromEntries(
        [...faults].map(([m, f]) => [
          m,
          {
            error_rate: f.errorRate,
            error_code: f.errorCode,
            latency_ms: f.latencyMs,
            timeout_rate: f.timeoutRate,
            injected: injected.get(m) ?? 0,
          },
        ]),
      ),
    /** The fault to apply to a call of `method`, if any. */
    forMethod(method: string): FaultDecision | undefined {
      if (method.startsWith('dev.')) return undefined;
      const key = faults.has(method) ? method : '*';
      const f = faults.get(key);
      if (!f) return undefined;
      const decision = {
        hang: f.timeoutRate > 0 && prng.next() < f.timeoutRate,
        fail: f.errorRate > 0 && prng.next() < f.errorRate,
        code: f.errorCode,
        latencyMs: f.latencyMs,
      };
      if (decision.hang || decision.fail || decision.latencyMs > 0) injected.set(key, (injected.get(key) ?? 0) + 1);
      return decision;
    },
  };
}
export type Faults = ReturnType<typeof createFaults>;
