import { createClient } from 'redis';

export type RedisClient = ReturnType<typeof createClient>;

/**
 * Connects with a bounded first attempt so a wrong REDIS_URL fails fast with a clear message,
 * then reconnects with backoff for the life of the process.
 */
export async function connectRedis(url: string, opts: { connectTimeoutMs?: number } = {}): Promise<RedisClient> {
  let connected = false;
  const client = createClient({
    url,
    socket: {
      connectTimeout: opts.connectTimeoutMs ?? 3000,
      reconnectStrategy: (retries, cause) => (connected ? Math.min(50 * 2 ** retries, 2000) : cause),
    },
  });
  client.on('error', () => {
    /* surfaced through command failures and reconnects; an unhandled 'error' would crash */
  });
  await client.connect();
  connected = true;
  return client;
}
