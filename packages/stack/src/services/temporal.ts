import path from 'node:path';
import { httpOk, isListening } from '../net';
import { startProcess } from '../process';
import { resolveTemporalCli } from '../tools';
import { outputOf, pickPort, type StackContext } from './context';

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

/** TEMPORAL_ADDRESS as given, else the pinned dev server with its SQLite file under dataDir (runs survive a restart). */
export async function startTemporal(ctx: StackContext): Promise<void> {
  const { opts, userEnv, env } = ctx;
  if (userEnv.TEMPORAL_ADDRESS) {
    env.TEMPORAL_ADDRESS = userEnv.TEMPORAL_ADDRESS;
    env.TEMPORAL_UI_URL = userEnv.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
  } else {
    const cli = resolveTemporalCli(opts.root);
    const port = await pickPort(opts.ports?.temporal, 7233);
    const uiPort = await pickPort(opts.ports?.temporalUi, 8233);
    const metricsPort = await pickPort(opts.ports?.temporalMetrics, Number(userEnv.TEMPORAL_METRICS_PORT ?? 8234));
    if (await isListening(port)) {
      throw new Error(
        `Port ${port} is taken, so the Temporal dev server cannot start. If a Temporal server already runs there, set TEMPORAL_ADDRESS=127.0.0.1:${port}.`,
      );
    }
    ctx.processes.push(
      await startProcess({
        name: 'temporal',
        command: cli,
        args: [
          ...['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort)],
          // the server's own Prometheus metrics (task latencies, request rates)
          ...['--metrics-port', String(metricsPort)],
          ...['--db-filename', path.join(opts.dataDir, 'temporal.db')],
          ...['--namespace', userEnv.TEMPORAL_NAMESPACE ?? 'default', '--log-level', 'warn'],
          ...DEV_SERVER_DYNAMIC_CONFIG,
        ],
        ready: async () => (await isListening(port)) && (await httpOk(`http://127.0.0.1:${uiPort}/`)),
        timeoutMs: 60_000,
        output: outputOf(ctx, 'temporal'),
      }),
    );
    env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
    env.TEMPORAL_UI_URL = `http://127.0.0.1:${uiPort}`;
    ctx.urls.temporalMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
    ctx.scrapeTargets.push({ job: 'temporal', service: 'temporal', targets: [`127.0.0.1:${metricsPort}`] });
  }
  ctx.urls.temporal = env.TEMPORAL_ADDRESS;
  ctx.urls.temporalUi = env.TEMPORAL_UI_URL;
  ctx.log(`temporal  ${env.TEMPORAL_ADDRESS}  (Web UI ${env.TEMPORAL_UI_URL})`);
}
