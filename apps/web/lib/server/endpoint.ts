/**
 * The route registry's unit. Each /api route file declares its endpoints once, next to their
 * handlers, with `endpoint(spec, handler)`: method, path, who may call it, the query, path and body
 * schemas and every answer by status (zod). The same spec validates requests here, types the
 * handler's answers, and generates the OpenAPI document (openapi.ts via api-routes.ts), so the
 * contract and the code cannot drift apart. See docs/ARCHITECTURE.md "Control API".
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ConfigError, type Config } from '@blockops/config';
import { errorSchema, type issueSchema } from './api-schemas';
import { bearer, roleForKey, satisfies, type Role } from './auth';
import { readJsonBody, DEFAULT_BODY_LIMIT } from './body';
import { json, problem, zodIssues } from './http';
import { corsHeaders, crossOriginRefusal, isJsonContentType } from './origin';
import { getServices, type Services } from './services';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
/** `public`: no key (health, the document); `viewer`: the viewer or operator key; `operator`: the operator key. */
export type Access = 'public' | Role;

export interface ResponseSpec {
  description: string;
  schema: z.ZodType;
}

export interface EndpointSpec {
  method: HttpMethod;
  /** OpenAPI path, parameters in braces: `/api/runs/{workflowId}` */
  path: `/api/${string}`;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** bytes; the body is refused (413) as soon as it passes this while being read. Default 64 KiB. */
  bodyLimit?: number;
  /**
   * Control endpoints: the audit action under which refusals of the request's content (type, size,
   * body, path, query) are recorded; a function of the raw path parameters when the path names it.
   * Refusals of the caller (401, 403) on operator endpoints are always audited, as `METHOD /path`.
   */
  audit?: string | ((params: Record<string, string>) => string);
  /** a path parameter outside its schema names nothing: answer 404, not 400 */
  badPathIsNotFound?: boolean;
  /**
   * Replaces the key check for callers that are not people (Alertmanager's webhook): `check`
   * decides from the configuration and the presented key; the caller then acts with `access`.
   * `scheme` is the extra OpenAPI security scheme it accepts.
   */
  authorize?: {
    check: (config: Config, key: string | undefined) => boolean;
    refusal: string;
    scheme: { name: string; description: string };
  };
  /** the answers this endpoint's handler gives; the common ones (400, 401, 403, 413, 415, 500, 503) are added by `commonResponses` */
  responses: Readonly<Record<number, ResponseSpec>>;
}

export interface Caller {
  /** undefined on a public endpoint called without a valid key */
  role: Role | undefined;
  actor: string;
  correlationId: string;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface EndpointContext<S extends EndpointSpec> {
  req: Request;
  services: S['access'] extends 'public' ? undefined : Services;
  /** the request's logger: every line carries its correlation id (undefined on a public endpoint) */
  log: S['access'] extends 'public' ? undefined : Services['log'];
  caller: Caller;
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: Out<S['body']>;
}

/** An answer the spec declares: its status and a body of that status's schema. */
export type Reply<S extends EndpointSpec> = {
  [K in keyof S['responses'] & number]: { status: K; body: z.input<S['responses'][K]['schema']>; headers?: Record<string, string> };
}[keyof S['responses'] & number];

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };
export type NextHandler = (req: Request, ctx: RouteContext) => Promise<Response>;
export type Endpoint = NextHandler & { spec: EndpointSpec };

const isControl = (method: HttpMethod) => method !== 'GET';

/** The answers every endpoint of this kind can give besides its own (the wrapper gives them). */
export function commonResponses(spec: EndpointSpec): Record<number, ResponseSpec> {
  const out: Record<number, ResponseSpec> = { ...spec.responses };
  const add = (status: number, description: string) => {
    out[status] ??= { description, schema: errorSchema };
  };
  if (spec.query || spec.params || spec.body) add(400, 'invalid request: `issues` name each bad field and its limit');
  if (spec.params && spec.badPathIsNotFound) add(404, 'the path names nothing (a path parameter outside its values)');
  if (spec.authorize) add(401, spec.authorize.refusal);
  if (spec.access !== 'public') {
    add(401, 'no key, or a key that is neither the viewer nor the operator key');
    add(
      403,
      isControl(spec.method)
        ? 'not the operator key, or a cross-origin request from an origin not in BLOCKOPS_ALLOWED_ORIGINS'
        : 'the key does not grant this call',
    );
  }
  if (spec.body) add(413, 'the body is larger than the limit (refused while reading)');
  if (isControl(spec.method)) add(415, 'control calls need `Content-Type: application/json`');
  add(500, 'internal error; the message carries the correlation id to look for in the logs');
  if (spec.access !== 'public') add(503, 'configuration is invalid or Redis or Temporal is unreachable; the message names it');
  return out;
}

const describeIssues = (issues: z.infer<typeof issueSchema>[]) => issues.map((i) => `${i.field}: ${i.message}`).join('; ');

function unknownKeys(input: Record<string, unknown>, schema: z.ZodObject): string[] {
  return Object.keys(input).filter((k) => !Object.hasOwn(schema.shape, k));
}

/** Parses query or path parameters; unknown query parameters are named, not ignored. */
function parseParams(what: 'query' | 'path', input: Record<string, unknown>, schema: z.ZodObject) {
  const extra = what === 'query' ? unknownKeys(input, schema) : [];
  if (extra.length) {
    const known = Object.keys(schema.shape).join(', ') || 'none';
    const issues = extra.map((k) => ({ field: k, message: `unknown query parameter; known: ${known}` }));
    return { ok: false as const, issues };
  }
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: true as const, value: parsed.data } : { ok: false as const, issues: zodIssues(parsed.error) };
}

/**
 * Declares an endpoint; `.handle(handler)` wraps the handler with its spec: services, cross-origin and content-type checks for control
 * calls, authorisation, a correlation id, the body read within its limit and validated, the query
 * and path validated, and a clear 503 when configuration or a dependency is broken. The handler
 * sees only calls its spec admits, with typed inputs, and answers with a status its spec declares.
 */
export function endpoint<const S extends EndpointSpec>(
  spec: S,
): { handle(handler: (ctx: EndpointContext<S>) => Promise<Reply<S>>): Endpoint } {
  return { handle: (handler) => wrap(spec, handler as (ctx: EndpointContext<EndpointSpec>) => Promise<Reply<EndpointSpec>>) };
}

const actorNameOf = (req: Request) => (req.headers.get('x-actor') ?? '').slice(0, 64).replace(/[^\w.@\- ]/g, '') || 'anonymous';

function wrap(spec: EndpointSpec, handler: (ctx: EndpointContext<EndpointSpec>) => Promise<Reply<EndpointSpec>>): Endpoint {
  const run: NextHandler = async (req, routeCtx) => {
    const started = performance.now();
    const path = new URL(req.url).pathname;
    const correlationId = req.headers.get('x-correlation-id')?.slice(0, 128) || randomUUID();
    let services: Services | undefined;
    let log: Services['log'] | undefined;
    let actor = `public:${actorNameOf(req)}`;
    let cors: Record<string, string> = {};
    const finish = (res: Response) => {
      if (spec.access !== 'public') res.headers.set('x-correlation-id', correlationId);
      for (const [k, v] of Object.entries(cors)) res.headers.set(k, v);
      // control calls at info, reads at debug (the console polls them)
      log?.[isControl(spec.method) ? 'info' : 'debug'](
        { method: req.method, path, status: res.status, ms: Math.round(performance.now() - started), actor },
        'request',
      );
      return res;
    };
    if (spec.access !== 'public') {
      try {
        services = await getServices();
      } catch (err) {
        const message = err instanceof ConfigError ? err.message : `service unavailable: ${(err as Error).message}`;
        return finish(problem(503, message));
      }
      log = services.log.child({ correlationId });
    }
    const allowedOrigins = services?.config.BLOCKOPS_ALLOWED_ORIGINS ?? [];
    cors = corsHeaders(req, allowedOrigins);

    const key = bearer(req.headers.get('authorization')) ?? req.headers.get('x-api-key') ?? undefined;
    let granted: Role | undefined;
    if (services) {
      // `authorize` stands in for the key check: the caller then acts with the endpoint's role
      if (spec.authorize && spec.access !== 'public') granted = spec.authorize.check(services.config, key) ? spec.access : undefined;
      else granted = roleForKey(services.config, key);
    }
    actor = `${granted ?? (services ? 'unauthenticated' : 'public')}:${actorNameOf(req)}`;
    // A refused operator call is a control action someone tried: who tried what is in the audit log.
    const refuseCaller = async (status: 401 | 403, error: string, reason: string) => {
      if (services && spec.access === 'operator') {
        await services.audit
          .append({ actor, action: `${req.method} ${path}`, outcome: 'rejected', reason })
          .catch((err: unknown) => log?.warn({ err }, 'audit append failed'));
      }
      return finish(problem(status, error));
    };
    if (isControl(spec.method)) {
      const refusal = crossOriginRefusal(req, allowedOrigins);
      if (refusal) return refuseCaller(403, refusal, `forbidden: ${refusal}`);
    }
    if (services && !granted) {
      return refuseCaller(
        401,
        spec.authorize?.refusal ?? 'unauthorized: send a viewer or operator key as "Authorization: Bearer <key>" or "x-api-key: <key>"',
        'unauthorized: no valid key',
      );
    }
    if (spec.access !== 'public' && !satisfies(granted, spec.access))
      return refuseCaller(403, `forbidden: this call needs the ${spec.access} key`, `forbidden: needs the ${spec.access} key`);
    const caller: Caller = { role: granted, actor, correlationId };

    try {
      const rawParams = Object.fromEntries(
        Object.entries((await routeCtx?.params) ?? {}).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
      ) as Record<string, string>;
      const auditAction = typeof spec.audit === 'function' ? spec.audit(rawParams) : spec.audit;
      // A refusal of the request's content is still a control action someone tried: audit it.
      const refuse = async (status: number, error: string, extra?: Record<string, unknown>) => {
        if (services && auditAction) {
          services.metrics.controlActions.inc({ action: auditAction, outcome: 'rejected' });
          await services.audit.append({ actor: caller.actor, action: auditAction, outcome: 'rejected', reason: error.slice(0, 500) });
        }
        return finish(problem(status, error, extra));
      };

      let params: unknown = undefined;
      if (spec.params) {
        const p = parseParams('path', rawParams, spec.params);
        if (!p.ok) {
          return spec.badPathIsNotFound
            ? await refuse(404, `not found: ${path} (${describeIssues(p.issues)})`)
            : await refuse(400, `invalid path: ${describeIssues(p.issues)}`, { issues: p.issues });
        }
        params = p.value;
      }
      let query: unknown = undefined;
      if (spec.query) {
        const q = parseParams('query', Object.fromEntries(new URL(req.url).searchParams), spec.query);
        if (!q.ok) return await refuse(400, `invalid query: ${describeIssues(q.issues)}`, { issues: q.issues });
        query = q.value;
      }
      let body: unknown = undefined;
      if (isControl(spec.method)) {
        if (!isJsonContentType(req.headers.get('content-type'))) {
          return await refuse(415, `unsupported content type: control calls need "Content-Type: application/json"`);
        }
        const read = await readJsonBody(req, spec.bodyLimit ?? DEFAULT_BODY_LIMIT);
        if (!read.ok) return await refuse(read.status, read.error);
        if (spec.body) {
          const parsed = spec.body.safeParse(read.value);
          if (!parsed.success) {
            const issues = zodIssues(parsed.error);
            return await refuse(400, `invalid body: ${describeIssues(issues)}`, { issues });
          }
          body = parsed.data;
        }
      }
      const reply = await handler({ req, services, log, caller, params, query, body } as EndpointContext<EndpointSpec>);
      return finish(json(reply.body, reply.status, reply.headers));
    } catch (err) {
      if (log) log.error({ err, method: req.method, path, actor }, 'request failed');
      else console.error('request failed', caller.correlationId, err);
      return finish(problem(500, `internal error (correlation id ${caller.correlationId})`));
    }
  };
  return Object.assign(run, { spec });
}

/**
 * The exports of a route file: its endpoints by method, and a JSON 405 naming the allowed
 * methods (with `Allow`) for the others; OPTIONS answers with `Allow` and, for origins in
 * BLOCKOPS_ALLOWED_ORIGINS, the CORS preflight. Use: `export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(a, b)`.
 */
export function routeMethods(...endpoints: Endpoint[]): Record<HttpMethod | 'OPTIONS', NextHandler> {
  const byMethod = new Map(endpoints.map((e) => [e.spec.method, e]));
  const path = endpoints[0]?.spec.path ?? '/api';
  if (byMethod.size !== endpoints.length || endpoints.some((e) => e.spec.path !== path))
    throw new Error(`routeMethods: one endpoint per method, all on one path (${path})`);
  const allowed = [...byMethod.keys()];
  const allow = [...allowed, ...(byMethod.has('GET') ? ['HEAD'] : []), 'OPTIONS'].sort().join(', ');
  const notAllowed: NextHandler = async (req) =>
    problem(405, `method ${req.method} is not allowed on ${path}; allowed: ${allow}`, { allowed: allow.split(', ') });
  const withAllow =
    (h: NextHandler): NextHandler =>
    async (req, ctx) => {
      const res = await h(req, ctx);
      res.headers.set('allow', allow);
      return res;
    };
  const options: NextHandler = async (req) => {
    const headers: Record<string, string> = { allow };
    const origins = await getServices().then(
      (s) => s.config.BLOCKOPS_ALLOWED_ORIGINS,
      () => [],
    );
    Object.assign(headers, corsHeaders(req, origins, allow));
    return new Response(null, { status: 204, headers });
  };
  return {
    GET: byMethod.get('GET') ?? withAllow(notAllowed),
    POST: byMethod.get('POST') ?? withAllow(notAllowed),
    PUT: byMethod.get('PUT') ?? withAllow(notAllowed),
    PATCH: byMethod.get('PATCH') ?? withAllow(notAllowed),
    DELETE: byMethod.get('DELETE') ?? withAllow(notAllowed),
    OPTIONS: options,
  };
}
