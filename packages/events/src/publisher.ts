import type { RedisClient } from './redis';
import { newEventSchema, type NewEvent } from './schemas';

export interface EventPublisher {
  /** Validates and appends the event; resolves to its stream id. */
  publish(event: NewEvent): Promise<string>;
}

export interface PublisherOptions {
  stream: string;
  /** Approximate cap on the stream's length (XADD MAXLEN ~), so it never grows without bound. */
  maxLen: number;
  onPublished?: (event: NewEvent, id: string) => void;
}

/** The one field each entry holds: the event as JSON (one field = one parse on the read side). */
export const EVENT_FIELD = 'e';

export function createEventPublisher(redis: RedisClient, opts: PublisherOptions): EventPublisher {
  return {
    async publish(event) {
      const valid = newEventSchema.parse(event) as NewEvent;
      const id = await redis.xAdd(
        opts.stream,
        '*',
        { [EVENT_FIELD]: JSON.stringify(valid) },
        { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: opts.maxLen } },
      );
      opts.onPublished?.(valid, id);
      return id;
    },
  };
}
