/**
 * Cross-site request defences for control calls, auth on or off. A browser on another site can
 * send a "simple" POST (text/plain, no preflight) with the user's network position; refusing
 * any Origin other than our own or one in BLOCKOPS_ALLOWED_ORIGINS, and requiring
 * application/json (which forces a preflight), closes that door. Clients that are not browsers
 * (curl, scripts) send neither Origin nor Sec-Fetch-Site and are not affected.
 */

/** What these checks read of a request: a fetch Request, or a Node request through `nodeRequestLike`. */
export interface RequestLike {
  headers: { get(name: string): string | null };
  url: string;
}

/** A Node IncomingMessage (the Socket.IO handshake) seen as a RequestLike. */
export function nodeRequestLike(req: { headers: Record<string, string | string[] | undefined>; url?: string }): RequestLike {
  return {
    headers: { get: (name) => [req.headers[name.toLowerCase()]].flat()[0] ?? null },
    url: `http://${[req.headers.host].flat()[0] ?? 'localhost'}${req.url ?? '/'}`,
  };
}

const host = (req: RequestLike) => req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? new URL(req.url).host;

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

const isAllowed = (origin: string, allowed: readonly string[]) => allowed.includes(origin);

/** Why this control call (or Socket.IO handshake) is refused as cross-origin, or undefined when it may proceed. */
export function crossOriginRefusal(req: RequestLike, allowed: readonly string[]): string | undefined {
  const origin = req.headers.get('origin');
  if (origin !== null) {
    if (originHost(origin) === host(req) || isAllowed(origin, allowed)) return undefined;
    return `forbidden: cross-origin request from ${origin.slice(0, 200)}; add the origin to BLOCKOPS_ALLOWED_ORIGINS to allow it`;
  }
  // No Origin: a browser that sends Sec-Fetch-Site still tells us where the request came from.
  const site = req.headers.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site')
    return `forbidden: ${site} request without an Origin header; control calls are accepted from this console or BLOCKOPS_ALLOWED_ORIGINS`;
  return undefined;
}

/** CORS answer headers for an allowed foreign origin (none for our own origin or others). */
export function corsHeaders(req: RequestLike, allowed: readonly string[], allowMethods?: string): Record<string, string> {
  const origin = req.headers.get('origin');
  if (origin === null || !isAllowed(origin, allowed) || originHost(origin) === host(req)) return {};
  return {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    ...(allowMethods
      ? {
          'access-control-allow-methods': allowMethods,
          'access-control-allow-headers': 'authorization, x-api-key, content-type, x-actor, x-correlation-id',
          'access-control-max-age': '600',
        }
      : { 'access-control-expose-headers': 'x-correlation-id' }),
  };
}

/** `application/json`, with or without parameters such as charset. */
export function isJsonContentType(header: string | null): boolean {
  return (header ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}
