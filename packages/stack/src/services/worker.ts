import { httpOk } from '../net';
import { startProcess } from '../process';
import { childEnv, outputOf, pickPort, tsxCommand, type StackContext } from './context';

/** The Temporal worker (workflows + activities), ready once its /health answers. */
export async function startWorker(ctx: StackContext): Promise<void> {
  const port = await pickPort(ctx.opts.ports?.workerMetrics, Number(ctx.userEnv.WORKER_METRICS_PORT ?? 9464));
  ctx.env.WORKER_METRICS_PORT = String(port);
  const { command, args } = tsxCommand(ctx, 'apps/worker/src/main.ts');
  ctx.processes.push(
    await startProcess({
      name: 'worker',
      command,
      args,
      env: childEnv(ctx),
      ready: () => httpOk(`http://127.0.0.1:${port}/health`),
      timeoutMs: 90_000,
      output: outputOf(ctx, 'worker'),
    }),
  );
  ctx.urls.workerMetrics = `http://127.0.0.1:${port}/metrics`;
  ctx.scrapeTargets.push({ job: 'blockops-worker', service: 'worker', targets: [`127.0.0.1:${port}`] });
  ctx.log(`worker    metrics ${ctx.urls.workerMetrics}`);
}
