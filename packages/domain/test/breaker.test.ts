import fc from 'fast-check';
import {
  admit,
  BREAKER_STATE_VALUE,
  breakerRetryAt,
  breakerView,
  describeTransition,
  forceClose,
  forceOpen,
  initialBreaker,
  recordFailure,
  recordSuccess,
  releaseProbe,
  resetBreaker,
  tick,
  type BreakerConfig,
  type BreakerSnapshot,
} from '../src/breaker';

const cfg: BreakerConfig = {
  failureThreshold: 5,
  windowMs: 300_000,
  openMs: 60_000,
  halfOpenProbes: 2,
  successThreshold: 2,
  probeLeaseMs: 10_000,
};
const T0 = 1_700_000_000_000;

/** `n` failures one second apart from `at`. */
function fail(s: BreakerSnapshot, n: number, at = T0, lease?: string) {
  for (let i = 0; i < n; i++) s = recordFailure(s, cfg, at + i * 1000, lease).next;
  return s;
}

/** A breaker opened at `at` by five failures. */
const opened = (at = T0) => fail(initialBreaker(), 5, at - 4000);
const halfOpen = (at = T0) => tick(opened(at), cfg, at + cfg.openMs).next;

describe('closed', () => {
  it('admits every call and opens on the 5th consecutive transient failure', () => {
    let s = initialBreaker();
    expect(admit(s, cfg, T0, 'x').decision).toEqual({ admitted: true });
    s = fail(s, 4);
    expect(s.state).toBe('closed');
    expect(breakerView(s, cfg, T0 + 4000).failures).toBe(4);
    const step = recordFailure(s, cfg, T0 + 4000);
    expect(step.transition).toEqual({ from: 'closed', to: 'open', trigger: 'failures', at: T0 + 4000 });
    expect(step.next).toMatchObject({ state: 'open', openedAt: T0 + 4000, failures: [], changedAt: T0 + 4000 });
  });

  it('a success resets the run, so rare errors on a busy healthy downstream never trip it', () => {
    let s = initialBreaker();
    for (let i = 0; i < 100; i++) {
      s = fail(s, 4, T0 + i * 10_000);
      s = recordSuccess(s, cfg, T0 + i * 10_000 + 5000).next;
    }
    expect(s.state).toBe('closed');
    expect(s.failures).toEqual([]);
  });

  it('counts only failures inside the window: none older than windowMs', () => {
    let s = initialBreaker();
    // one failure a minute and a quarter apart: the oldest leaves the 300 s window before the 5th
    for (let i = 0; i < 5; i++) s = recordFailure(s, cfg, T0 + i * 75_001).next;
    expect(s.state).toBe('closed');
    expect(breakerView(s, cfg, T0 + 4 * 75_001).failures).toBe(4);
    // a 6th within the window of the last four opens it
    s = recordFailure(s, cfg, T0 + 4 * 75_001 + 1).next;
    expect(s.state).toBe('open');
  });

  it('a failure exactly windowMs old no longer counts', () => {
    let s = fail(initialBreaker(), 4, T0);
    s = recordFailure(s, cfg, T0 + cfg.windowMs).next; // T0 drops out; T0+1000..+3000 and now remain
    expect(s.state).toBe('closed');
    expect(s.failures).toEqual([T0 + 1000, T0 + 2000, T0 + 3000, T0 + cfg.windowMs]);
  });

  it('the view forgets failures that aged out without any new call', () => {
    const s = fail(initialBreaker(), 3, T0);
    expect(breakerView(s, cfg, T0 + 2000).failures).toBe(3);
    expect(breakerView(s, cfg, T0 + cfg.windowMs + 2001).failures).toBe(0);
  });

  it('a success with no failure run changes nothing (same snapshot, same version)', () => {
    const s = initialBreaker();
    const step = recordSuccess(s, cfg, T0);
    expect(step.next).toBe(s);
    expect(step.transition).toBeUndefined();
  });
});

describe('open', () => {
  it('refuses every call until openMs has passed, naming when to come back', () => {
    const s = opened();
    expect(admit(s, cfg, T0 + 1, 'x').decision).toEqual({ admitted: false, state: 'open', retryAt: T0 + cfg.openMs });
    expect(admit(s, cfg, T0 + cfg.openMs - 1, 'x').next).toBe(s);
    expect(breakerView(s, cfg, T0 + 10).nextProbeAt).toBe(T0 + cfg.openMs);
  });

  it('ignores late outcomes of calls admitted before it opened', () => {
    const s = opened();
    expect(recordFailure(s, cfg, T0 + 5).next).toBe(s);
    expect(recordSuccess(s, cfg, T0 + 5).next).toBe(s);
  });

  it('moves to half-open on tick once openMs has passed, and not before', () => {
    const s = opened();
    expect(tick(s, cfg, T0 + cfg.openMs - 1).next).toBe(s);
    const step = tick(s, cfg, T0 + cfg.openMs);
    expect(step.transition).toMatchObject({ from: 'open', to: 'half_open', trigger: 'open_timeout' });
    expect(step.next.openedAt).toBe(T0); // kept: the console shows how long it has been down
  });

  it('an admission after openMs moves to half-open itself and takes the first probe', () => {
    const step = admit(opened(), cfg, T0 + cfg.openMs, 'p1');
    expect(step.transition).toMatchObject({ from: 'open', to: 'half_open', trigger: 'open_timeout' });
    expect(step.decision).toEqual({ admitted: true, probe: 'p1' });
    expect(step.next.probes).toEqual({ p1: T0 + cfg.openMs + cfg.probeLeaseMs });
  });
});

describe('half-open', () => {
  const at = T0 + cfg.openMs;

  it('admits at most halfOpenProbes probes at a time; the next waits for the earliest lease', () => {
    let s = halfOpen();
    s = admit(s, cfg, at, 'p1').next;
    s = admit(s, cfg, at + 10, 'p2').next;
    const third = admit(s, cfg, at + 20, 'p3');
    expect(third.decision).toEqual({ admitted: false, state: 'half_open', retryAt: at + cfg.probeLeaseMs });
    expect(breakerView(s, cfg, at + 20)).toMatchObject({ activeProbes: 2, nextProbeAt: at + cfg.probeLeaseMs });
  });

  it('closes after successThreshold probe successes', () => {
    let s = halfOpen();
    s = admit(s, cfg, at, 'p1').next;
    s = admit(s, cfg, at, 'p2').next;
    s = recordSuccess(s, cfg, at + 5, 'p1').next;
    expect(s).toMatchObject({ state: 'half_open', successes: 1, probes: { p2: at + cfg.probeLeaseMs } });
    const step = recordSuccess(s, cfg, at + 6, 'p2');
    expect(step.transition).toMatchObject({ from: 'half_open', to: 'closed', trigger: 'probe_successes' });
    expect(step.next).toMatchObject({ state: 'closed', successes: 0, failures: [], probes: {}, openedAt: null });
  });

  it('sequential probes also close it: a finished probe frees its slot', () => {
    const cfg1 = { ...cfg, halfOpenProbes: 1 };
    let s = tick(opened(), cfg1, at).next;
    s = admit(s, cfg1, at, 'p1').next;
    expect(admit(s, cfg1, at + 1, 'p2').decision.admitted).toBe(false);
    s = recordSuccess(s, cfg1, at + 2, 'p1').next;
    s = admit(s, cfg1, at + 3, 'p2').next;
    expect(recordSuccess(s, cfg1, at + 4, 'p2').next.state).toBe('closed');
  });

  it('a failed probe re-opens it for a new open period', () => {
    let s = admit(halfOpen(), cfg, at, 'p1').next;
    s = recordSuccess(admit(s, cfg, at, 'p2').next, cfg, at + 1, 'p2').next;
    const step = recordFailure(s, cfg, at + 2, 'p1');
    expect(step.transition).toMatchObject({ from: 'half_open', to: 'open', trigger: 'probe_failure' });
    expect(step.next).toMatchObject({ state: 'open', openedAt: at + 2, successes: 0, probes: {} });
    expect(admit(step.next, cfg, at + 3, 'x').decision).toEqual({ admitted: false, state: 'open', retryAt: at + 2 + cfg.openMs });
  });

  it('a probe holder that never reports: its lease expires and another probe goes', () => {
    const cfg1 = { ...cfg, halfOpenProbes: 1 };
    let s = admit(tick(opened(), cfg1, at).next, cfg1, at, 'dead').next;
    expect(admit(s, cfg1, at + cfg.probeLeaseMs - 1, 'p2').decision.admitted).toBe(false);
    const step = admit(s, cfg1, at + cfg.probeLeaseMs, 'p2');
    expect(step.decision).toEqual({ admitted: true, probe: 'p2' });
    expect(step.next.probes).toEqual({ p2: at + 2 * cfg.probeLeaseMs });
    s = step.next;
    // the dead holder's late report is ignored: its lease is gone
    expect(recordSuccess(s, cfg1, at + cfg.probeLeaseMs + 1, 'dead').next).toBe(s);
    expect(recordFailure(s, cfg1, at + cfg.probeLeaseMs + 1, 'dead').next).toBe(s);
  });

  it('tick drops expired leases', () => {
    const s = admit(halfOpen(), cfg, at, 'p1').next;
    expect(tick(s, cfg, at + 1).next).toBe(s);
    expect(tick(s, cfg, at + cfg.probeLeaseMs).next.probes).toEqual({});
  });

  it('outcomes of calls that hold no lease are ignored', () => {
    const s = halfOpen();
    expect(recordFailure(s, cfg, at + 1).next).toBe(s);
    expect(recordSuccess(s, cfg, at + 1).next).toBe(s);
  });

  it('a probe that ends with a cancelled or storage error frees its slot and counts nothing', () => {
    let s = admit(halfOpen(), cfg, at, 'p1').next;
    s = releaseProbe(s, at + 1, 'p1').next;
    expect(s).toMatchObject({ state: 'half_open', successes: 0, probes: {} });
  });
});

describe('forced', () => {
  it('forced open refuses every call and holds against successes and time until reset', () => {
    let s = forceOpen(initialBreaker(), T0).next;
    expect(s.state).toBe('forced_open');
    for (let i = 1; i <= 10; i++) {
      s = recordSuccess(s, cfg, T0 + i * cfg.openMs, 'x').next;
      s = tick(s, cfg, T0 + i * cfg.openMs).next;
      expect(admit(s, cfg, T0 + i * cfg.openMs, 'x').decision).toEqual({
        admitted: false,
        state: 'forced_open',
        retryAt: T0 + (i + 1) * cfg.openMs,
      });
    }
    const step = resetBreaker(s, T0 + 1e6);
    expect(step.transition).toMatchObject({ from: 'forced_open', to: 'closed', trigger: 'reset' });
  });

  it('forced closed admits every call and does not open on failures until reset', () => {
    let s = forceClose(opened(), T0 + 1).next;
    expect(s.state).toBe('forced_closed');
    s = fail(s, 50, T0 + 2);
    expect(s.state).toBe('forced_closed');
    expect(admit(s, cfg, T0 + 1e5, 'x').decision).toEqual({ admitted: true });
    expect(resetBreaker(s, T0 + 1e5).next.state).toBe('closed');
  });

  it('forcing a state it already holds is not a transition', () => {
    const s = forceOpen(initialBreaker(), T0).next;
    expect(forceOpen(s, T0 + 1).transition).toBeUndefined();
    expect(forceClose(s, T0 + 1).transition).toMatchObject({ from: 'forced_open', to: 'forced_closed' });
  });

  it('reset of a closed breaker clears its failure run without a transition', () => {
    const step = resetBreaker(fail(initialBreaker(), 3), T0 + 5000);
    expect(step.transition).toBeUndefined();
    expect(step.next.failures).toEqual([]);
  });
});

describe('view and vocabulary', () => {
  it('tells when to come back while every call is refused, and nothing once a probe may go', () => {
    expect(breakerRetryAt(breakerView(opened(), cfg, T0 + 1), cfg, T0 + 1)).toBe(T0 + cfg.openMs);
    expect(breakerRetryAt(breakerView(opened(), cfg, T0 + cfg.openMs), cfg, T0 + cfg.openMs)).toBeUndefined();
    const forced = forceOpen(initialBreaker(), T0).next;
    expect(breakerRetryAt(breakerView(forced, cfg, T0 + 5), cfg, T0 + 5)).toBe(T0 + 5 + cfg.openMs);
    expect(breakerRetryAt(breakerView(halfOpen(), cfg, T0 + cfg.openMs), cfg, T0 + cfg.openMs)).toBeUndefined();
    expect(breakerRetryAt(breakerView(initialBreaker(), cfg, T0), cfg, T0)).toBeUndefined();
  });

  it('reports the metric value of every state: 0 closed, 1 open, 2 half-open', () => {
    expect(BREAKER_STATE_VALUE).toEqual({ closed: 0, open: 1, half_open: 2, forced_open: 1, forced_closed: 0 });
    expect(breakerView(halfOpen(), cfg, T0 + cfg.openMs)).toMatchObject({
      state: 'half_open',
      stateValue: 2,
      nextProbeAt: T0 + cfg.openMs,
    });
  });

  it('describes automatic transitions with the numbers that caused them', () => {
    expect(describeTransition({ from: 'closed', to: 'open', trigger: 'failures', at: 0 }, cfg)).toBe(
      '5 consecutive transient failures within 300 s',
    );
  });
});

describe('invariants under any sequence of steps', () => {
  const step = fc.oneof(
    fc.record({ op: fc.constant('admit' as const), lease: fc.constantFrom('a', 'b', 'c', 'd') }),
    fc.record({
      op: fc.constantFrom('success' as const, 'failure' as const, 'release' as const),
      lease: fc.constantFrom('a', 'b', 'c', undefined),
    }),
    fc.record({ op: fc.constantFrom('tick' as const, 'forceOpen' as const, 'forceClose' as const, 'reset' as const) }),
  );
  it('never holds more probes than allowed, never counts past the threshold, versions only grow', () => {
    const small: BreakerConfig = {
      failureThreshold: 3,
      windowMs: 5000,
      openMs: 3000,
      halfOpenProbes: 2,
      successThreshold: 2,
      probeLeaseMs: 1500,
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.integer({ min: 0, max: 2500 })), { maxLength: 200 }), (steps) => {
        let s = initialBreaker();
        let now = T0;
        for (const [st, dt] of steps) {
          now += dt;
          const before = s;
          const lease = 'lease' in st ? st.lease : undefined;
          const r =
            st.op === 'admit'
              ? admit(s, small, now, lease!)
              : st.op === 'success'
                ? recordSuccess(s, small, now, lease)
                : st.op === 'failure'
                  ? recordFailure(s, small, now, lease)
                  : st.op === 'release'
                    ? releaseProbe(s, now, lease ?? 'a')
                    : st.op === 'tick'
                      ? tick(s, small, now)
                      : st.op === 'forceOpen'
                        ? forceOpen(s, now)
                        : st.op === 'forceClose'
                          ? forceClose(s, now)
                          : resetBreaker(s, now);
          s = r.next;
          expect(Object.keys(s.probes).length).toBeLessThanOrEqual(small.halfOpenProbes);
          expect(s.failures.length).toBeLessThan(small.failureThreshold);
          if (s.state !== 'closed') expect(s.failures).toEqual([]);
          if (s.state !== 'half_open') expect(s.probes).toEqual({});
          expect(s.version).toBe(s === before ? before.version : before.version + 1);
          if (r.transition) expect(r.transition.from).not.toBe(r.transition.to);
        }
      }),
    );
  });
});
