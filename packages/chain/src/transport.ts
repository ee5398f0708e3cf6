import type { z } from 'zod';
import { ChainError, classifyRpcCode, reasonForCode } from './errors';

export interface ChainClientOptions {
  url: string;
  authToken?: string;
  /** default per-call timeout (ms); 5000 */
  timeoutMs?: number;
  /** retries of a read after a transient failure; submits and dev.* are never retried here. 2 */
  readRetries?: number;
  /** first retry delay (ms), doubling; 50 */
  retryDelayMs?: number;
}

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

type RpcReply = { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createTransport(opts: ChainClientOptions) {
  // built once: every call reuses the same header object (fetch keeps connections alive)
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.authToken ? { authorization: `Bearer ${opts.authToken}` } : {}) };
  let nextId = 1;

  /** One HTTP round trip; HTTP-level failures become classified ChainErrors. */
  async function post(label: string, body: string, call?: CallOptions): Promise<unknown> {
    const timeout = AbortSignal.timeout(call?.timeoutMs ?? opts.timeoutMs ?? 5000);
    let res: Response;
    try {
      res = await fetch(opts.url, { method: 'POST', headers, body, signal: call?.signal ? AbortSignal.any([timeout, call.signal]) : timeout });
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      const timedOut = e.name === 'TimeoutError' || timeout.aborted;
      const cause = timedOut ? 'timeout' : (e.cause?.code ?? e.name ?? 'error');
      throw new ChainError(`${label}: node ${timedOut ? `did not answer within ${call?.timeoutMs ?? opts.timeoutMs ?? 5000} ms` : `unreachable (${cause})`}`, 'transient', timedOut ? 'timeout' : 'unreachable', label);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new ChainError(`${label}: connection lost while reading the answer (${(err as Error).name})`, 'transient', 'unreachable', label, undefined, res.status);
    }
    if (res.status === 401 || res.status === 403) {
      throw new ChainError(`${label}: node refused the auth token (HTTP ${res.status})`, 'storage', 'auth', label, undefined, res.status);
    }
    if (res.status >= 500) throw new ChainError(`${label}: node answered HTTP ${res.status}`, 'transient', 'http_5xx', label, undefined, res.status);
    if (res.status === 204) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ChainError(`${label}: unreadable answer (HTTP ${res.status})`, 'storage', 'bad_response', label, undefined, res.status);
    }
  }

  function unwrap<T>(method: string, reply: RpcReply | undefined, schema: z.ZodType<T>): T {
    if (!reply || typeof reply !== 'object') throw new ChainError(`${method}: unreadable answer`, 'storage', 'bad_response', method);
    if (reply.error) {
      const { code, message, data } = reply.error;
      throw new ChainError(`${method}: ${message}`, classifyRpcCode(code), reasonForCode(code), method, code, undefined, data);
    }
    const parsed = schema.safeParse(reply.result);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new ChainError(`${method}: unexpected result shape (${i?.path.join('.') || 'result'}: ${i?.message})`, 'storage', 'bad_response', method);
    }
    return parsed.data;
  }

  async function once<T>(method: string, params: unknown, schema: z.ZodType<T>, call?: CallOptions): Promise<T> {
    const reply = (await post(method, JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params: params ?? {} }), call)) as RpcReply;
    return unwrap(method, reply, schema);
  }

  return {
    /** A read: retried on transient failures. */
    async read<T>(method: string, params: unknown, schema: z.ZodType<T>, call?: CallOptions): Promise<T> {
      const retries = opts.readRetries ?? 2;
      for (let attempt = 0; ; attempt++) {
        try {
          return await once(method, params, schema, call);
        } catch (err) {
          if (!(err instanceof ChainError) || !err.retryable || attempt >= retries || call?.signal?.aborted) throw err;
          await sleep((opts.retryDelayMs ?? 50) * 2 ** attempt);
        }
      }
    },
    /** A write: exactly one attempt (Temporal retries it, with the operation id as idempotency key). */
    write: once,
    /** Several calls in one HTTP request; results in call order, each ok or a classified error. */
    async batch(calls: Array<{ method: string; params?: unknown; schema?: z.ZodType<unknown> }>, call?: CallOptions): Promise<Array<{ ok: true; result: unknown } | { ok: false; error: ChainError }>> {
      if (calls.length === 0) return [];
      const first = nextId;
      nextId += calls.length;
      const body = JSON.stringify(calls.map((c, i) => ({ jsonrpc: '2.0', id: first + i, method: c.method, params: c.params ?? {} })));
      const label = `batch(${calls.length})`;
      const replies = await post(label, body, call);
      if (!Array.isArray(replies)) {
        // a whole-batch error (parse error, empty batch) is one object
        const err = unwrapError(label, replies as RpcReply);
        return calls.map(() => ({ ok: false as const, error: err }));
      }
      const byId = new Map((replies as RpcReply[]).map((r) => [r.id, r]));
      return calls.map((c, i) => {
        try {
          return { ok: true as const, result: unwrap(c.method, byId.get(first + i), (c.schema ?? passthrough) as z.ZodType<unknown>) };
        } catch (err) {
          return { ok: false as const, error: err as ChainError };
        }
      });
    },
  };

  function unwrapError(label: string, reply: RpcReply): ChainError {
    try {
      unwrap(label, reply, passthrough);
      return new ChainError(`${label}: the node did not answer the batch as a batch`, 'storage', 'bad_response', label);
    } catch (err) {
      return err as ChainError;
    }
  }
}

const passthrough = { safeParse: (v: unknown) => ({ success: true as const, data: v }) } as unknown as z.ZodType<unknown>;
export type Transport = ReturnType<typeof createTransport>;
