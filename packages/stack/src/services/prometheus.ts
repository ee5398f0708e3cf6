import { MONITORING_INSTALL_HINT, resolvePrometheus, runPrometheus } from '../monitoring';
import { outputOf, type StackContext } from './context';
import { optionalPort, startOptional } from './optional';

/** Debian's Prometheus scraping every metrics endpoint started so far, with the rules loaded. */
export async function startPrometheus(ctx: StackContext): Promise<void> {
  const { opts } = ctx;
  const prom = await startOptional(ctx, 'prometheus', Boolean(resolvePrometheus()), MONITORING_INSTALL_HINT, async () =>
    runPrometheus({
      dataDir: opts.dataDir,
      scrapeTargets: ctx.scrapeTargets,
      alertmanager: ctx.urls.alertmanager?.replace(/^https?:\/\//, ''),
      ruleFiles: opts.monitoring?.ruleFiles,
      scrapeInterval: opts.monitoring?.scrapeInterval,
      evaluationInterval: opts.monitoring?.evaluationInterval,
      resendDelay: opts.monitoring?.resendDelay,
      port: await optionalPort(ctx, 'prometheus', 'PROMETHEUS_PORT', 9090),
      output: outputOf(ctx, 'prometheus'),
    }),
  );
  if (!prom) return;
  ctx.processes.push(prom.process);
  ctx.urls.prometheus = prom.url;
  ctx.log(`prometheus ${prom.url}  (config ${prom.configFile})`);
}
