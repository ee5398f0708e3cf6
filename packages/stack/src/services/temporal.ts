import path from 'node:path';
import { SEARCH_ATTRIBUTE_LIST } from '@blockops/domain';
import { httpOk, isListening } from '../net';
import { startProcess } from '../process';
import { resolveTemporalCli } from '../tools';
import { outputOf, pickPort, type StackContext } from './context';

/**
 * One partition per task queue on the single-node dev server: with the default four, a task
 * landing on a partition with no waiting poller is forwarded to the root at ≤ 10/s, which adds
 * ~100 ms to every activity and workflow task. A cluster keeps its partitions (and more pollers).
 * Eager activity execution (off by default in the server): activities a workflow task schedules
 * on its own task queue come back in the task's completion (up to 3, the SDK's default), without a
 * trip through matching — a disbursement batch's first chunks start ~15 ms sooner. A cluster may
 * enable it per namespace the same way.
 */
const DYNAMIC_CONFIG = [
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
  '--dynamic-config-value',
  'system.enableActivityEagerExecution=true',
];

/** blockops' custom search attributes, registered when the dev server starts (a cluster: README, "Finding runs in Temporal Web"). */
export const DEV_SERVER_SEARCH_ATTRIBUTES = SEARCH_ATTRIBUTE_LIST.flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`]);

/**
 * Every extra flag a dev server of blockops needs: the dynamic config above and the search
 * attributes (workflows upsert them: on a server without them a workflow task fails).
 */
export const DEV_SERVER_ARGS = [...DYNAMIC_CONFIG, ...DEV_SERVER_SEARCH_ATTRIBUTES];
/** @deprecated the old name of DEV_SERVER_ARGS, kept for callers that pass it as extraArgs (it includes the search attributes). */
export const DEV_SERVER_DYNAMIC_CONFIG = DEV_SERVER_ARGS;

/** TEMPORAL_ADDRESS as given, else the pinned dev server with its SQLite file under dataDir (runs survive a restart). */
export async function startTemporal(ctx: StackContext): Promise<void> {
  const { opts, userEnv, env } = ctx;
  if (userEnv.TEMPORAL_ADDRESS) {
    env.TEMPORAL_ADDRESS = userEnv.TEMPORAL_ADDRESS;
    env.TEMPORAL_UI_URL = userEnv.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
  } else {
    const cli = resolveTemporalCli(opts.root);
    // Free ports are only free when picked: on a busy machine another process may take one (or
    // one of the server's own random ports) first. Then try again with new ones.
    const freelyPicked = opts.ports?.temporal === 0 && opts.ports?.temporalUi === 0;
    let port = 0;
    let uiPort = 0;
    let metricsPort = 0;
    for (let attempt = 1; ; attempt++) {
      port = await pickPort(opts.ports?.temporal, 7233);
      uiPort = await pickPort(opts.ports?.temporalUi, 8233);
      metricsPort = await pickPort(opts.ports?.temporalMetrics, Number(userEnv.TEMPORAL_METRICS_PORT ?? 8234));
      if (await isListening(port)) {
        throw new Error(
          `Port ${port} is taken, so the Temporal dev server cannot start. If a Temporal server already runs there, set TEMPORAL_ADDRESS=127.0.0.1:${port}.`,
        );
      }
      try {
        const [grpc, ui] = [port, uiPort];
        ctx.processes.push(
          await startProcess({
            name: 'temporal',
            command: cli,
            args: [
              ...['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(grpc), '--ui-port', String(ui)],
              // the server's own Prometheus metrics (task latencies, request rates)
              ...['--metrics-port', String(metricsPort)],
              ...['--db-filename', path.join(opts.dataDir, 'temporal.db')],
              ...['--namespace', userEnv.TEMPORAL_NAMESPACE ?? 'default', '--log-level', 'warn'],
              ...DEV_SERVER_ARGS,
            ],
            ready: async () => (await isListening(grpc)) && (await httpOk(`http://127.0.0.1:${ui}/`)),
            timeoutMs: 60_000,
            output: outputOf(ctx, 'temporal'),
          }),
        );
        break;
      } catch (err) {
        if (!(freelyPicked && attempt < 3 && /address already in use/.test((err as Error).message))) throw err;
        ctx.log('temporal  a port was taken meanwhile; retrying with new ones');
      }
    }
    env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
    env.TEMPORAL_UI_URL = `http://127.0.0.1:${uiPort}`;
    ctx.urls.temporalMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
    ctx.scrapeTargets.push({ job: 'temporal', service: 'temporal', targets: [`127.0.0.1:${metricsPort}`] });
  }
  ctx.urls.temporal = env.TEMPORAL_ADDRESS;
  ctx.urls.temporalUi = env.TEMPORAL_UI_URL;
  ctx.log(`temporal  ${env.TEMPORAL_ADDRESS}  (Web UI ${env.TEMPORAL_UI_URL})`);
}
