import { randomUUID } from 'node:crypto';
import { ConfigError } from '@blockops/config';
import type { z } from 'zod';
import type { Config } from '@blockops/config';
import { bearer, roleForKey, satisfies, type Role } from './auth';
import { getServices, type Services } from './services';

export function json(data: unknown, status = 200, headers?: Record<string, string>): Response {
  return Response.json(data, { status, headers });
}

/** An error answer: `error` is one readable sentence; `issues` name fields and limits. */
export function problem(status: number, error: string, extra?: Record<string, unknown>): Response {
  return json({ error, ...extra }, status);
}

export function zodIssues(err: z.ZodError) {
  return err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}

export interface Caller {
  role: Role;
  actor: string;
  correlationId: string;
}

interface HandlerContext<P> {
  services: Services;
  caller: Caller;
  params: P;
  /** the request's logger: every line carries its correlation id */
  log: Services['log'];
}

export interface RouteOptions {
  /** Replaces the role check, for callers that are not people (Alertmanager's webhook). */
  authorize?: { check: (config: Config, key: string | undefined) => boolean; as: Role; refusal: string };
  /** The action's name in the audit log for a refused call (no key, wrong key); default `<METHOD> <path>`. */
  audit?: string;
}

/**
 * Wraps a route handler: services, authorisation for `role`, a correlation id, and a clear 503
 * when configuration or a dependency is broken. Route handlers never see unauthorised calls; a
 * refused control call is audited (as `audit`, the action's name, when given).
 */
export function route<P = Record<string, string>>(
  role: Role,
  handler: (req: Request, ctx: HandlerContext<P>) => Promise<Response>,
  opts: RouteOptions = {},
) {
  return async (req: Request, routeCtx: { params: Promise<P> }): Promise<Response> => {
    let services: Services;
    try {
      services = await getServices();
    } catch (err) {
      const message = err instanceof ConfigError ? err.message : `service unavailable: ${(err as Error).message}`;
      return problem(503, message);
    }
    const key = bearer(req.headers.get('authorization')) ?? req.headers.get('x-api-key') ?? undefined;
    const actorName = (req.headers.get('x-actor') ?? '').slice(0, 64).replace(/[^\w.@\- ]/g, '') || 'anonymous';
    let granted: Role | undefined;
    // a refused control call is a control action too: who tried what is in the audit log
    const refuse = async (status: 401 | 403, error: string, reason: string) => {
      if (role === 'operator' || opts.audit) {
        const action = opts.audit ?? `${req.method} ${new URL(req.url).pathname}`;
        services.metrics.controlActions.inc({ action, outcome: 'rejected' });
        await services.audit
          .append({
            actor: `${granted ?? 'unauthenticated'}:${actorName}`,
            action,
            target: new URL(req.url).pathname,
            outcome: 'rejected',
            reason,
          })
          .catch((err: unknown) => services.log.warn({ err }, 'audit append failed'));
      }
      return problem(status, error);
    };
    if (opts.authorize) {
      if (!opts.authorize.check(services.config, key)) return problem(401, opts.authorize.refusal);
      granted = opts.authorize.as;
    } else {
      granted = roleForKey(services.config, key);
      if (!granted)
        return refuse(401, 'unauthorized: send a viewer or operator key as "Authorization: Bearer <key>"', 'unauthorized: no valid key');
      if (!satisfies(granted, role)) return refuse(403, `forbidden: this call needs the ${role} key`, 'forbidden: needs the operator key');
    }
    const caller: Caller = {
      role: granted,
      actor: `${granted}:${actorName}`,
      correlationId: req.headers.get('x-correlation-id')?.slice(0, 128) || randomUUID(),
    };
    const log = services.log.child({ correlationId: caller.correlationId });
    const started = performance.now();
    const path = new URL(req.url).pathname;
    try {
      const res = await handler(req, { services, caller, log, params: await (routeCtx?.params ?? Promise.resolve({} as P)) });
      res.headers.set('x-correlation-id', caller.correlationId);
      // control calls at info, reads at debug (the console polls them)
      log[req.method === 'GET' ? 'debug' : 'info'](
        { method: req.method, path, status: res.status, ms: Math.round(performance.now() - started), actor: caller.actor },
        'request',
      );
      return res;
    } catch (err) {
      log.error({ err, method: req.method, path, actor: caller.actor }, 'request failed');
      return problem(500, `internal error (correlation id ${caller.correlationId})`);
    }
  };
}

/** Reads a JSON body up to `maxBytes`; undefined body = {}. */
export async function readJson(req: Request, maxBytes = 64 * 1024): Promise<{ ok: true; value: unknown } | { ok: false; res: Response }> {
  const text = await req.text();
  if (text.length > maxBytes) return { ok: false, res: problem(413, `request body exceeds ${maxBytes} bytes`) };
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, res: problem(400, 'request body is not valid JSON') };
  }
}

export function temporalRunUrl(services: Services, workflowId: string, runId?: string): string {
  const { TEMPORAL_UI_URL, TEMPORAL_NAMESPACE } = services.config;
  const base = `${TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}
