import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort, httpOk, isListening } from './net';
import { startProcess, type ManagedProcess } from './process';
import { resolveRedisServer, resolveTemporalCli } from './tools';

/**
 * One partition per task queue on the single-node dev server: with the default four, a task
 * landing on a partition with no waiting poller is forwarded to the root at ≤ 10/s, which adds
 * ~100 ms to every activity and workflow task. A cluster keeps its partitions (and more pollers).
 */
export const DEV_SERVER_DYNAMIC_CONFIG = [
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
];

export type ServiceName = 'redis' | 'temporal' | 'devnet' | 'worker' | 'web';

export interface StackOptions {
  /** Repository root. */
  root: string;
  /** Where the Temporal SQLite file, devnet state and a started Redis keep their data. */
  dataDir: string;
  /** Which services to bring up (default: all). */
  services?: ServiceName[];
  /** 0 = pick a free port. Defaults are the documented ones. */
  ports?: Partial<Record<'temporal' | 'temporalUi' | 'devnet' | 'web' | 'workerMetrics', number>>;
  /** 'inherit' prefixes child output to ours; 'files' writes <dataDir>/logs/<name>.log. */
  output?: 'inherit' | 'files';
  /** Extra environment for every child (and the user's own overrides). */
  env?: Record<string, string | undefined>;
  /** Extra devnet flags, e.g. ['--block-interval-ms', '100']. */
  devnetArgs?: string[];
  /** Redis logical database to use when Redis is found or started here (tests isolate by db). */
  redisDb?: number;
  log?: (line: string) => void;
}

export interface Stack {
  env: Record<string, string>;
  urls: { web?: string; temporalUi?: string; temporal?: string; devnet?: string; redis?: string; workerMetrics?: string };
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

const has = (o: StackOptions, s: ServiceName) => !o.services || o.services.includes(s);
const pick = async (p: number | undefined, def: number) => (p === 0 ? freePort() : (p ?? def));

/**
 * Brings up the local stack in dependency order and returns its URLs; `stop()` ends every child
 * it started, newest first. Used by `npm start` and by the end-to-end tests, so both run the same
 * processes the same way. Anything given in env (REDIS_URL, TEMPORAL_ADDRESS, THEBLOCK_RPC_URL) is
 * used as is instead of starting a local one.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.log ?? (() => {});
  const userEnv = { ...process.env, ...opts.env };
  const env: Record<string, string> = {};
  const urls: Stack['urls'] = {};
  const processes: ManagedProcess[] = [];
  mkdirSync(opts.dataDir, { recursive: true });
  const output = (name: string) =>
    opts.output === 'files' ? { file: path.join(opts.dataDir, 'logs', `${name}.log`) } : ('inherit' as const);
  const childEnv = () => ({ ...opts.env, ...env });
  const tsx = (script: string) => ({ command: process.execPath, args: ['--import', 'tsx', path.join(opts.root, script)] });

  const stop = async () => {
    for (const p of [...processes].reverse()) await p.stop();
    processes.length = 0;
  };

  try {
    // Redis
    if (has(opts, 'redis') || has(opts, 'worker') || has(opts, 'web')) {
      if (userEnv.REDIS_URL) {
        env.REDIS_URL = userEnv.REDIS_URL;
      } else if (await isListening(6379)) {
        env.REDIS_URL = `redis://127.0.0.1:6379${opts.redisDb ? `/${opts.redisDb}` : ''}`;
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
        processes.push(
          await startProcess({
            name: 'redis',
            command: bin,
            args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
            ready: () => isListening(port),
            output: output('redis'),
          }),
        );
        env.REDIS_URL = `redis://127.0.0.1:${port}${opts.redisDb ? `/${opts.redisDb}` : ''}`;
      }
      urls.redis = env.REDIS_URL;
      log(`redis     ${env.REDIS_URL}`);
    }

    // Temporal dev server (SQLite file under dataDir, so runs survive a restart)
    if (has(opts, 'temporal')) {
      if (userEnv.TEMPORAL_ADDRESS) {
        env.TEMPORAL_ADDRESS = userEnv.TEMPORAL_ADDRESS;
        env.TEMPORAL_UI_URL = userEnv.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
      } else {
        const cli = resolveTemporalCli(opts.root);
        const port = await pick(opts.ports?.temporal, 7233);
        const uiPort = await pick(opts.ports?.temporalUi, 8233);
        if (await isListening(port)) {
          throw new Error(
            `Port ${port} is taken, so the Temporal dev server cannot start. If a Temporal server already runs there, set TEMPORAL_ADDRESS=127.0.0.1:${port}.`,
          );
        }
        const db = path.join(opts.dataDir, 'temporal.db');
        processes.push(
          await startProcess({
            name: 'temporal',
            command: cli,
            args: [
              'server',
              'start-dev',
              '--ip',
              '127.0.0.1',
              '--port',
              String(port),
              '--ui-port',
              String(uiPort),
              '--db-filename',
              db,
              '--namespace',
              userEnv.TEMPORAL_NAMESPACE ?? 'default',
              '--log-level',
              'warn',
              ...DEV_SERVER_DYNAMIC_CONFIG,
            ],
            ready: async () => (await isListening(port)) && (await httpOk(`http://127.0.0.1:${uiPort}/`)),
            timeoutMs: 60_000,
            output: output('temporal'),
          }),
        );
        env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
        env.TEMPORAL_UI_URL = `http://127.0.0.1:${uiPort}`;
      }
      urls.temporal = env.TEMPORAL_ADDRESS;
      urls.temporalUi = env.TEMPORAL_UI_URL;
      log(`temporal  ${env.TEMPORAL_ADDRESS}  (Web UI ${env.TEMPORAL_UI_URL})`);
    }

    // The Block devnet
    if (has(opts, 'devnet')) {
      if (userEnv.THEBLOCK_RPC_URL) {
        env.THEBLOCK_RPC_URL = userEnv.THEBLOCK_RPC_URL;
      } else {
        const port = await pick(opts.ports?.devnet, 9933);
        if (await isListening(port))
          throw new Error(`Port ${port} is taken; the devnet cannot start. Set THEBLOCK_RPC_URL to use a running node.`);
        const { command, args } = tsx('apps/devnet/src/main.ts');
        const account = userEnv.TB_ACCOUNT ?? '0xblockops';
        processes.push(
          await startProcess({
            name: 'devnet',
            command,
            args: [
              ...args,
              ...['--port', String(port), '--host', '127.0.0.1', '--state', path.join(opts.dataDir, 'devnet-state.json')],
              // our account starts with the balance the accounting starts from, and earns as a provider
              ...['--fund', `${account}=${userEnv.TB_STARTING_BALANCE ?? 100_000}`, '--provider-account', account],
              ...(opts.devnetArgs ?? []),
            ],
            env: childEnv(),
            ready: () => httpOk(`http://127.0.0.1:${port}/health`),
            output: output('devnet'),
          }),
        );
        env.THEBLOCK_RPC_URL = `http://127.0.0.1:${port}`;
      }
      urls.devnet = env.THEBLOCK_RPC_URL;
      log(`devnet    ${env.THEBLOCK_RPC_URL}`);
    }

    // Worker
    if (has(opts, 'worker')) {
      const port = await pick(opts.ports?.workerMetrics, Number(userEnv.WORKER_METRICS_PORT ?? 9464));
      env.WORKER_METRICS_PORT = String(port);
      const { command, args } = tsx('apps/worker/src/main.ts');
      processes.push(
        await startProcess({
          name: 'worker',
          command,
          args,
          env: childEnv(),
          ready: () => httpOk(`http://127.0.0.1:${port}/health`),
          timeoutMs: 90_000,
          output: output('worker'),
        }),
      );
      urls.workerMetrics = `http://127.0.0.1:${port}/metrics`;
      log(`worker    metrics ${urls.workerMetrics}`);
    }

    // Web console
    if (has(opts, 'web')) {
      const webDir = path.join(opts.root, 'apps/web');
      if (!existsSync(path.join(webDir, '.next/BUILD_ID'))) {
        log('web       building the console (first start only)…');
        execFileSync(process.execPath, [require.resolve('next/dist/bin/next', { paths: [webDir] }), 'build'], {
          cwd: webDir,
          stdio: opts.output === 'files' ? 'ignore' : 'inherit',
          env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
        });
      }
      const port = await pick(opts.ports?.web, Number(userEnv.WEB_PORT ?? 3000));
      if (await isListening(port)) throw new Error(`WEB_PORT: port ${port} is already in use.`);
      env.WEB_PORT = String(port);
      const { command, args } = tsx('apps/web/server.ts');
      processes.push(
        await startProcess({
          name: 'web',
          command,
          args,
          cwd: webDir,
          env: { ...childEnv(), NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
          ready: () => httpOk(`http://127.0.0.1:${port}/api/health`),
          timeoutMs: 60_000,
          output: output('web'),
        }),
      );
      urls.web = `http://127.0.0.1:${port}`;
      log(`web       ${urls.web}`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { env, urls, processes, stop };
}
