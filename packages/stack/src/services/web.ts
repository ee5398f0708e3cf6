import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { httpOk, isListening } from '../net';
import { startProcess } from '../process';
import { childEnv, outputOf, pickPort, tsxCommand, type StackContext } from './context';

/** The console (built on first start) with its API and Socket.IO gateway, ready once /api/health answers. */
export async function startWeb(ctx: StackContext): Promise<void> {
  const { opts } = ctx;
  const webDir = path.join(opts.root, 'apps/web');
  const stale = newerThanBuild(opts.root, path.join(webDir, '.next/BUILD_ID'));
  if (stale && opts.output === 'files') {
    // tests never rebuild (two test files could build at once); they say what to run instead
    throw new Error(
      `the console build (apps/web/.next) is older than ${stale}: run \`npm run build -w @blockops/web\` (npm test does) and test again`,
    );
  }
  if (!existsSync(path.join(webDir, '.next/BUILD_ID')) || stale) {
    ctx.log(stale ? `web       rebuilding the console (${stale} changed)…` : 'web       building the console (first start only)…');
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

/** Where the console's build comes from: its own sources and every workspace package's. */
const BUILD_SOURCES = [
  'apps/web/app',
  'apps/web/components',
  'apps/web/lib',
  'apps/web/next.config.mjs',
  ...['accounts', 'breakers', 'chain', 'config', 'domain', 'emergency', 'events', 'treasury'].map((p) => `packages/${p}/src`),
  'workflows/src',
];

/** A source file changed after the console was built (the first one found), or undefined: no build, or an up-to-date one. */
function newerThanBuild(root: string, buildId: string): string | undefined {
  if (!existsSync(buildId)) return undefined;
  const built = statSync(buildId).mtimeMs;
  const visit = (p: string): string | undefined => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return undefined;
    if (st.isFile()) return st.mtimeMs > built ? path.relative(root, p) : undefined;
    for (const e of readdirSync(p, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const found = visit(path.join(p, e.name));
      if (found) return found;
    }
    return undefined;
  };
  for (const s of BUILD_SOURCES) {
    const found = visit(path.join(root, s));
    if (found) return found;
  }
  return undefined;
}
