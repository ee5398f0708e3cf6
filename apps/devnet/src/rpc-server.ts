import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { ChainState, type ChainOptions } from './chain-state';
import { createFaults } from './faults';
import { createMethods } from './methods';
import { createPrng } from './prng';
import { RPC, RpcError } from './rpc-errors';

export const BODY_LIMIT = 1024 * 1024;

export interface DevnetOptions extends ChainOptions {
  port: number;
  host: string;
  authToken?: string;
}

type Reply = { jsonrpc: '2.0'; id: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };

const fail = (id: unknown, code: number, message: string, data?: unknown): Reply => ({ jsonrpc: '2.0', id, error: { code, message, ...(data !== undefined ? { data } : {}) } });

/** The devnet's JSON-RPC 2.0 server: single and batch requests, auth, body limit, faults. */
export function startDevnet(opts: DevnetOptions) {
  const chain = new ChainState(opts);
  const faults = createFaults(createPrng(opts.seed ^ 0x9e3779b9));
  const methods = createMethods(chain, faults);
  const timer = setInterval(() => chain.mine(1), opts.blockIntervalMs);
  timer.unref();

  async function handleOne(msg: unknown): Promise<Reply | undefined> {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return fail(null, RPC.INVALID_REQUEST, 'invalid request: expected an object');
    const m = msg as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
    const id = m.id ?? null;
    if (m.jsonrpc !== '2.0' || typeof m.method !== 'string') return fail(id, RPC.INVALID_REQUEST, 'invalid request: needs jsonrpc "2.0" and a method string');
    const fn = methods[m.method];
    if (!fn) return fail(id, RPC.METHOD_NOT_FOUND, `method not found: ${m.method.slice(0, 100)}`);
    const fault = faults.forMethod(m.method);
    if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault?.fail) return fail(id, RPC.UNAVAILABLE, `temporarily unavailable: injected fault on ${m.method}`);
    try {
      const result = fn(m.params);
      return m.id === undefined ? undefined : { jsonrpc: '2.0', id, result }; // a notification gets no reply
    } catch (err) {
      if (err instanceof RpcError) return fail(id, err.code, err.message, err.data);
      return fail(id, RPC.STORAGE_FAILURE, `internal error: ${(err as Error).message}`);
    }
  }

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const authorized = (header: string | undefined) => {
    if (!opts.authToken) return true;
    const want = Buffer.from(`Bearer ${opts.authToken}`);
    const got = Buffer.from(header ?? '');
    return want.length === got.length && timingSafeEqual(want, got);
  };

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') return send(res, 200, { status: 'ok', height: chain.height });
    if (req.method !== 'POST') return send(res, 405, fail(null, RPC.INVALID_REQUEST, 'use POST with a JSON-RPC body'));
    if (!authorized(req.headers.authorization)) return send(res, 401, fail(null, RPC.INVALID_REQUEST, 'unauthorized: bearer token required'));
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', async () => {
      if (tooBig) return send(res, 413, fail(null, RPC.INVALID_REQUEST, `request body exceeds ${BODY_LIMIT} bytes (1 MiB)`));
      let msg: unknown;
      try {
        msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 200, fail(null, RPC.PARSE_ERROR, 'parse error: body is not valid JSON'));
      }
      if (Array.isArray(msg)) {
        if (msg.length === 0) return send(res, 200, fail(null, RPC.INVALID_REQUEST, 'invalid request: empty batch'));
        const replies = (await Promise.all(msg.map(handleOne))).filter((r): r is Reply => r !== undefined);
        return replies.length ? send(res, 200, replies) : send(res, 204, undefined);
      }
      const reply = await handleOne(msg);
      return reply ? send(res, 200, reply) : send(res, 204, undefined);
    });
    req.on('error', () => res.destroy());
  });
  server.keepAliveTimeout = 65_000;

  return {
    chain,
    server,
    listen: () =>
      new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.host, () => {
          const { port } = server.address() as { port: number };
          resolve(`http://${opts.host}:${port}`);
        });
      }),
    close: () => {
      clearInterval(timer);
      return new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
    },
  };
}
