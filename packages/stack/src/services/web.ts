import { existsSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { httpOk, isListening } from '../net';
import { startProcess } from '../process';
import { childEnv, outputOf, pickPort, tsxCommand, type StackContext } from './context';

/** The console (built on first start) with its API and Socket.IO gateway, ready once /api/health answers. */
export async function startWeb(ctx: StackContext): Promise<void> {
  const { opts } = ctx;
  const webDir = path.join(opts.root, 'apps/web');
  if (!existsSync(path.join(webDir, '.next/BUILD_ID'))) {
    ctx.log('web       building the console (first start only)…');
    execFileSync(process.execPath, [require.resolve('next/dist/bin/next', { paths: [webDir] }), 'build'], {
      cwd: webDir,
      stdio: opts.output === 'files' ? 'ignore' : 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
  }
  const port = await pickPort(opts.ports?.web, Number(ctx.userEnv.WEB_PORT ?? 3000));
  if (await isListening(port)) throw new Error(`WEB_PORT: port ${port} is already in use.`);
  ctx.env.WEB_PORT = String(port);
  const { command, args } = tsxCommand(ctx, 'apps/web/server.ts');
  ctx.processes.push(
    await startProcess({
      name: 'web',
      command,
      args,
      cwd: webDir,
      env: { ...childEnv(ctx), NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      ready: () => httpOk(`http://127.0.0.1:${port}/api/health`),
      timeoutMs: 60_000,
      output: outputOf(ctx, 'web'),
    }),
  );
  ctx.urls.web = `http://127.0.0.1:${port}`;
  ctx.scrapeTargets.push({ job: 'blockops-web', service: 'web', targets: [`127.0.0.1:${port}`] });
  ctx.log(`web       ${ctx.urls.web}`);
}
