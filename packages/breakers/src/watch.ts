import type { RedisClient } from '@blockops/events';
import type { BreakerState } from '@blockops/domain';

/** What every change step publishes (scripts.ts `finish`). */
export interface BreakerChange {
  name: string;
  state: BreakerState;
  /** length of the failure run */
  failures: number;
  version: number;
  openedAt: number | null;
  /** the server's clock at the change */
  now: number;
}

export interface BreakerWatch {
  close(): Promise<void>;
}

/**
 * Subscribes to the change channel on a connection of its own (a subscribed connection can do
 * nothing else). `connection(false)` is called whenever the subscription may have missed a
 * message (error, reconnect), `connection(true)` once it is back; node-redis resubscribes itself.
 */
export async function watchBreakerChanges(
  redis: RedisClient,
  channel: string,
  on: { change(c: BreakerChange): void; connection(up: boolean): void },
): Promise<BreakerWatch> {
  const sub = redis.duplicate();
  let subscribed = false;
  const down = () => on.connection(false);
  sub.on('error', down);
  sub.on('end', down);
  sub.on('reconnecting', down);
  sub.on('ready', () => {
    if (subscribed) on.connection(true);
  });
  await sub.connect();
  sub.unref(); // a subscription alone never keeps a process alive
  await sub.subscribe(channel, (message) => {
    const m = JSON.parse(message) as {
      name: string;
      state: BreakerState;
      failures: number;
      version: number;
      openedAt: string;
      now: string;
    };
    on.change({
      name: m.name,
      state: m.state,
      failures: m.failures,
      version: m.version,
      openedAt: m.openedAt === '' ? null : Number(m.openedAt),
      now: Number(m.now),
    });
  });
  subscribed = true;
  on.connection(true);
  return {
    async close() {
      sub.removeAllListeners('end');
      sub.removeAllListeners('reconnecting');
      sub.destroy();
    },
  };
}
