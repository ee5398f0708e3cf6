import { inspect } from 'node:util';

export interface PollOptions {
  /** what is awaited, for the timeout message: "the poller to reach the head" */
  description: string;
  /** give up after this long (30 s) */
  timeoutMs?: number;
  /** wait between attempts (50 ms) */
  intervalMs?: number;
}

type Settled<T> = Exclude<T, undefined | null | false>;

/**
 * Calls `fn` until the condition holds, and resolves to the value that made it hold: tests wait for
 * a condition, never for a fixed time. The condition is `until(value)`, or by default that the
 * value is not `undefined`, `null` or `false`. A throw counts as "not yet" (a server coming back
 * refuses connections first). On timeout it fails naming `description` and the last value or
 * error seen, so a failure says what was awaited and how far it got.
 */
export function poll<T>(fn: () => T | Promise<T>, opts: PollOptions & { until: (value: T) => boolean }): Promise<T>;
export function poll<T>(fn: () => T | Promise<T>, opts: PollOptions): Promise<Settled<T>>;
export async function poll<T>(fn: () => T | Promise<T>, opts: PollOptions & { until?: (value: T) => boolean }): Promise<T> {
  const { description, timeoutMs = 30_000, intervalMs = 50 } = opts;
  const holds = opts.until ?? ((v: T) => v !== undefined && v !== null && v !== false);
  const deadline = Date.now() + timeoutMs;
  let last: { value: unknown } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await fn();
      if (holds(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) {
      const seen = !last ? 'nothing' : 'error' in last ? `error ${inspect(last.error, { depth: 2 })}` : inspect(last.value, { depth: 4 });
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; last: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
