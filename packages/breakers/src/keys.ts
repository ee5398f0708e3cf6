/** Redis keys of one breaker; every breaker of a prefix shares the names set and the change channel. */
export function breakerKeys(prefix: string, name: string) {
  return {
    /** state, failure run, successes, opened/changed times, version, the registered config */
    hash: `${prefix}:${name}`,
    /** half-open probe leases: lease id → expiry (ms) */
    probes: `${prefix}:${name}:probes`,
    // `_` cannot start a breaker name, so this never meets a breaker's own keys
    names: `${prefix}:_names`,
  };
}

/** Pub/sub channel on which every step that changes a breaker publishes its new state. */
export const changeChannel = (prefix: string) => `${prefix}:changed`;
