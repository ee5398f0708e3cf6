import { z } from 'zod';
import { ClassifiedError, type ErrorClass } from '@blockops/domain';

/** A failed call to The Block node, classified per the taxonomy (DESIGN.md §4). */
export class ChainError extends ClassifiedError {
  constructor(
    message: string,
    errorClass: ErrorClass,
    reason: string,
    readonly method: string,
    readonly rpcCode?: number,
    readonly httpStatus?: number,
  ) {
    super(message, errorClass, reason);
  }
}

export const latestHeaderSchema = z.object({
  height: z.number().int().nonnegative(),
  hash: z.string(),
  timestamp: z.number(),
  finality_time: z.number().nonnegative(),
});
export type LatestHeader = z.infer<typeof latestHeaderSchema>;

export const netStatsSchema = z.object({
  peer_count: z.number().int().nonnegative(),
  tps: z.number().nonnegative(),
  bandwidth_in: z.number().nonnegative(),
  bandwidth_out: z.number().nonnegative(),
  active_connections: z.number().int().nonnegative(),
});
export type NetStats = z.infer<typeof netStatsSchema>;

export interface ChainClientOptions {
  url: string;
  authToken?: string;
  timeoutMs?: number;
}

let nextId = 1;

/**
 * Error class from the JSON-RPC code alone (a real node sends no class): -32000…-32099 server
 * errors are transient; invalid params and the -33xxx business codes (insufficient balance, nonce
 * conflict, invalid destination, gate closed) cancel the item; everything else — method not found,
 * malformed request, -34xxx storage failures — is fatal.
 */
export function classifyRpcCode(code: number): ErrorClass {
  if (code <= -32000 && code >= -32099) return 'transient';
  if (code === -32602 || (code <= -33000 && code > -34000)) return 'cancelled';
  return 'storage';
}

async function call<T>(opts: ChainClientOptions, method: string, params: unknown, schema: z.ZodType<T>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.authToken ? { authorization: `Bearer ${opts.authToken}` } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new ChainError(`${method}: node unreachable (${cause})`, 'transient', cause === 'TimeoutError' ? 'timeout' : 'unreachable', method);
  }
  if (res.status === 401 || res.status === 403) {
    throw new ChainError(`${method}: node refused the auth token (HTTP ${res.status})`, 'storage', 'auth', method, undefined, res.status);
  }
  if (res.status >= 500) {
    throw new ChainError(`${method}: node answered HTTP ${res.status}`, 'transient', 'http_5xx', method, undefined, res.status);
  }
  const body = (await res.json().catch(() => undefined)) as { result?: unknown; error?: { code: number; message: string } } | undefined;
  if (!body) throw new ChainError(`${method}: unreadable response`, 'storage', 'bad_response', method, undefined, res.status);
  if (body.error) {
    const cls = classifyRpcCode(body.error.code);
    throw new ChainError(`${method}: ${body.error.message}`, cls, `rpc_${body.error.code}`, method, body.error.code);
  }
  const parsed = schema.safeParse(body.result);
  if (!parsed.success) throw new ChainError(`${method}: unexpected result shape`, 'storage', 'bad_response', method);
  return parsed.data;
}

export function createChainClient(opts: ChainClientOptions) {
  return {
    light: { latestHeader: () => call(opts, 'light.latest_header', {}, latestHeaderSchema) },
    net: { stats: () => call(opts, 'net.stats', {}, netStatsSchema) },
  };
}
export type ChainClient = ReturnType<typeof createChainClient>;
