import { createHash } from 'node:crypto';
import type { RedisClient } from '@blockops/events';

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
