import { MONITORING_INSTALL_HINT, resolveAlertmanager, runAlertmanager } from '../monitoring';
import { outputOf, type StackContext } from './context';
import { optionalPort, startOptional } from './optional';

/** Debian's Alertmanager with monitoring/alertmanager.yml pointed at this stack's console webhook. */
export async function startAlertmanager(ctx: StackContext): Promise<void> {
  const { opts, userEnv } = ctx;
  const am = await startOptional(ctx, 'alertmanager', Boolean(resolveAlertmanager()), MONITORING_INSTALL_HINT, async () =>
    runAlertmanager({
      dataDir: opts.dataDir,
      webhookUrl: `${ctx.urls.web ?? `http://127.0.0.1:${userEnv.WEB_PORT ?? 3000}`}/api/alerts/webhook`,
      // the console accepts its webhook token, or the operator key when no token is set
      webhookToken: userEnv.ALERTS_WEBHOOK_TOKEN || userEnv.BLOCKOPS_OPERATOR_KEY || undefined,
      timing: opts.monitoring?.alertmanagerTiming,
      port: await optionalPort(ctx, 'alertmanager', 'ALERTMANAGER_PORT', 9093),
      output: outputOf(ctx, 'alertmanager'),
    }),
  );
  if (!am) return;
  ctx.processes.push(am.process);
  ctx.urls.alertmanager = am.url;
  ctx.scrapeTargets.push({ job: 'alertmanager', service: 'monitoring', targets: [am.address] });
  ctx.log(`alertmanager ${am.url}`);
}
