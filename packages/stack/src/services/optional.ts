import { freePort, isListening } from '../net';
import { explicitly, pickPort, type StackContext } from './context';

type Optional = 'prometheus' | 'alertmanager';

/**
 * Prometheus and Alertmanager are optional for `npm start`: unless asked for by name, a missing
 * binary, a taken default port or a failed start becomes a note and the rest of the stack runs.
 */
export async function startOptional<T>(
  ctx: StackContext,
  s: Optional,
  installed: boolean,
  installHint: string,
  start: () => Promise<T>,
): Promise<T | undefined> {
  if (!installed && !explicitly(ctx, s)) {
    ctx.notes.push(
      `${s} is not installed, so ${s === 'prometheus' ? 'nothing scrapes metrics or evaluates alert rules' : 'alerts go nowhere'}. Install it: ${installHint}`,
    );
    return undefined;
  }
  try {
    return await start();
  } catch (err) {
    if (explicitly(ctx, s)) throw err;
    ctx.notes.push(`${s} did not start: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** The port asked for (options, then env), else the default — or a free one when the default is taken. */
export async function optionalPort(ctx: StackContext, s: Optional, envName: string, def: number): Promise<number> {
  const explicit = ctx.opts.ports?.[s] ?? (ctx.userEnv[envName] ? Number(ctx.userEnv[envName]) : undefined);
  if (explicit !== undefined) return pickPort(explicit, def);
  if (!(await isListening(def))) return def;
  const port = await freePort();
  ctx.notes.push(`${s}: port ${def} is taken (a system ${s} service?), so this stack's ${s} uses ${port}; set ${envName} to choose.`);
  return port;
}
