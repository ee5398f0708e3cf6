import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, isListening } from '../net';
import { startProcess } from '../process';
import { resolveRedisServer } from '../tools';
import { outputOf, type StackContext } from './context';

/** REDIS_URL as given, else the machine's Redis on 6379, else a redis-server from PATH (AOF under dataDir). */
export async function startRedis(ctx: StackContext): Promise<void> {
  const { opts, userEnv, env } = ctx;
  const db = opts.redisDb ? `/${opts.redisDb}` : '';
  if (userEnv.REDIS_URL) {
    env.REDIS_URL = userEnv.REDIS_URL;
  } else if (await isListening(6379)) {
    env.REDIS_URL = `redis://127.0.0.1:6379${db}`;
  } else {
    const bin = resolveRedisServer();
    if (!bin) {
      throw new Error(
        'No Redis: REDIS_URL is unset, nothing listens on 127.0.0.1:6379 and redis-server is not on PATH.\n' +
          'Install Redis (e.g. `apt-get install redis-server`) or set REDIS_URL.',
      );
    }
    const port = await freePort();
    const dir = path.join(opts.dataDir, 'redis');
    mkdirSync(dir, { recursive: true });
    ctx.processes.push(
      await startProcess({
        name: 'redis',
        command: bin,
        args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
        ready: () => isListening(port),
        output: outputOf(ctx, 'redis'),
      }),
    );
    env.REDIS_URL = `redis://127.0.0.1:${port}${db}`;
  }
  ctx.urls.redis = env.REDIS_URL;
  ctx.log(`redis     ${env.REDIS_URL}`);
}
