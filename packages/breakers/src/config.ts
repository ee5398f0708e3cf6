import type { BreakerConfig } from '@blockops/domain';

/** The breaker settings of a loaded configuration (packages/config validates them). */
export const breakerConfigOf = (c: {
  BREAKER_FAILURE_THRESHOLD: number;
  BREAKER_WINDOW_MS: number;
  BREAKER_OPEN_MS: number;
  BREAKER_HALF_OPEN_PROBES: number;
  BREAKER_SUCCESS_THRESHOLD: number;
  BREAKER_PROBE_LEASE_MS: number;
}): BreakerConfig => ({
  failureThreshold: c.BREAKER_FAILURE_THRESHOLD,
  windowMs: c.BREAKER_WINDOW_MS,
  openMs: c.BREAKER_OPEN_MS,
  halfOpenProbes: c.BREAKER_HALF_OPEN_PROBES,
  successThreshold: c.BREAKER_SUCCESS_THRESHOLD,
  probeLeaseMs: c.BREAKER_PROBE_LEASE_MS,
});
