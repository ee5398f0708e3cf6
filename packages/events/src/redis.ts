import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { restoreStringPrototypeFastMode } from './string-fast-mode';

// loading redis slowed every string builtin of the process (string-fast-mode.ts)
restoreStringPrototypeFastMode();

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

export type LuaScript = (redis: RedisClient, keys: string[], args: string[]) => Promise<unknown>;

/**
 * A Lua script run by EVALSHA, falling back to EVAL when the server does not hold it yet (first
 * call, restart, SCRIPT FLUSH). The client is given to us already created, so node-redis'
 * `scripts` option (defineScript) is not available here.
 */
export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalSha(sha, { keys, arguments: args });
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(source, { keys, arguments: args });
    }
  };
}
