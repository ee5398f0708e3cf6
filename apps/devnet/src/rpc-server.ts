import http from 'node:http';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { ChainOptions } from './chain-state';
import { createFaults } from './faults';
import { createMethods, type OutageControl } from './methods';
import { createPrng } from './prng';
import { RPC, RpcError } from './rpc-errors';
import { loadChain, persistChain } from './state-file';
import { createDevnetMetrics } from './metrics';

const BODY_LIMIT = 1024 * 1024;
/** A call held by a timeout fault is dropped after this long, so held sockets cannot pile up forever. */
const HANG_LIMIT_MS = 5 * 60_000;

export interface DevnetOptions extends ChainOptions {
  port: number;
  host: string;
  authToken?: string;
  /** keep the chain in this file across restarts */
  stateFile?: string;
}

type Reply = { jsonrpc: '2.0'; id: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };
/** `hang`: a timeout fault hit this call, so the whole HTTP request gets no answer. */
const HANG = Symbol('hang');

const fail = (id: unknown, code: number, message: string, data?: unknown): Reply => ({
  jsonrpc: '2.0',
  id,
  error: { code, message, ...(data !== undefined ? { data } : {}) },
});

/** The devnet's JSON-RPC 2.0 server: single and batch requests, auth, body limit, faults, outages. */
export function startDevnet(opts: DevnetOptions) {
  const { chain, restored } = loadChain(opts, opts.stateFile);
  const persist = opts.stateFile ? persistChain(chain, opts.stateFile) : undefined;
  const faults = createFaults(createPrng(opts.seed ^ 0x9e3779b9));
  let outage: { mode: 'http_503' | 'refuse'; until: number } | null = null;
  let boundPort = opts.port;
  const sockets = new Set<Socket>();

  const outageControl: OutageControl = {
    start(mode, durationMs) {
      outage = { mode, until: Date.now() + durationMs };
      if (mode === 'refuse') {
        // answer this call first, then drop every connection and stop listening until it is over
        setTimeout(() => {
          server.close();
          for (const s of sockets) s.destroy();
          setTimeout(() => {
            outage = null;
            server.once('error', (err) => process.stderr.write(`devnet: cannot listen again after the outage: ${err.message}\n`));
            server.listen(boundPort, opts.host);
          }, durationMs); // not unref'd: while nothing listens, this timer keeps the process alive
        }, 20);
      }
      return { mode, until_ms: outage.until };
    },
    status: () => (outage && Date.now() < outage.until ? { mode: outage.mode, until_ms: outage.until } : null),
  };
  // every JSON-RPC call that reaches the node, by method (also those answered 503 by an outage):
  // tests count at the node that nothing arrived while a breaker was open
  const calls = new Map<string, number>();
  let httpRequests = 0;
  const countCalls = (msg: unknown) => {
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      const method = (m as { method?: unknown } | null)?.method;
      if (typeof method === 'string') calls.set(method.slice(0, 100), (calls.get(method.slice(0, 100)) ?? 0) + 1);
    }
  };
  const methods = createMethods(chain, faults, outageControl, () => ({ http_requests: httpRequests, calls: Object.fromEntries(calls) }));
  const metrics = createDevnetMetrics({
    height: () => chain.height,
    outage: () => outageControl.status() !== null,
    methods: Object.keys(methods),
  });
  const timer = setInterval(() => chain.mine(1), opts.blockIntervalMs);
  timer.unref();

  async function handleOne(msg: unknown): Promise<Reply | undefined | typeof HANG> {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
      return fail(null, RPC.INVALID_REQUEST, 'invalid request: expected an object');
    const m = msg as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
    const id = m.id ?? null;
    if (m.jsonrpc !== '2.0' || typeof m.method !== 'string')
      return fail(id, RPC.INVALID_REQUEST, 'invalid request: needs jsonrpc "2.0" and a method string');
    const fn = methods[m.method];
    if (!fn) {
      metrics.call(m.method, 'unknown_method');
      return fail(id, RPC.METHOD_NOT_FOUND, `method not found: ${m.method.slice(0, 100)}`);
    }
    const fault = faults.forMethod(m.method);
    if (fault?.hang || fault?.fail) metrics.call(m.method, 'fault');
    if (fault?.hang) return HANG;
    if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault?.fail)
      return fail(id, fault.code, `${fault.code === RPC.UNAVAILABLE ? 'temporarily unavailable' : 'error'}: injected fault on ${m.method}`);
    try {
      const result = fn(m.params);
      metrics.call(m.method, 'ok');
      return m.id === undefined ? undefined : { jsonrpc: '2.0', id, result }; // a notification gets no reply
    } catch (err) {
      metrics.call(m.method, 'error');
      if (err instanceof RpcError) return fail(id, err.code, err.message, err.data);
      return fail(id, RPC.STORAGE_FAILURE, `internal error: ${(err as Error).message}`);
    }
  }

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const hang = (res: http.ServerResponse) => {
    setTimeout(() => res.destroy(), HANG_LIMIT_MS).unref();
  };

  const authorized = (header: string | undefined) => {
    if (!opts.authToken) return true;
    const want = Buffer.from(`Bearer ${opts.authToken}`);
    const got = Buffer.from(header ?? '');
    return want.length === got.length && timingSafeEqual(want, got);
  };

  const server = http.createServer((req, res) => {
    httpRequests++;
    if (outage && Date.now() >= outage.until) outage = null;
    if (outage?.mode === 'http_503') {
      const unavailable = { error: 'node unavailable (injected outage)', until_ms: outage.until };
      if (req.method !== 'POST') return send(res, 503, unavailable);
      // read the body only to count what arrived
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.length < 1024 && chunks.push(c));
      req.on('end', () => {
        try {
          countCalls(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          /* not JSON: nothing to count */
        }
        send(res, 503, unavailable);
      });
      return;
    }
    if (req.method === 'GET' && req.url === '/health') return send(res, 200, { status: 'ok', height: chain.height });
    if (req.method === 'GET' && req.url === '/metrics') {
      // open like /health: Prometheus scrapes it without the node's bearer token
      void metrics.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(body);
        },
        () => send(res, 500, { error: 'metrics unavailable' }),
      );
      return;
    }
    if (req.method !== 'POST') return send(res, 405, fail(null, RPC.INVALID_REQUEST, 'use POST with a JSON-RPC body'));
    if (!authorized(req.headers.authorization))
      return send(res, 401, fail(null, RPC.INVALID_REQUEST, 'unauthorized: bearer token required'));
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
      countCalls(msg);
      if (Array.isArray(msg)) {
        if (msg.length === 0) return send(res, 200, fail(null, RPC.INVALID_REQUEST, 'invalid request: empty batch'));
        const all = await Promise.all(msg.map(handleOne));
        if (all.includes(HANG)) return hang(res);
        const replies = all.filter((r): r is Reply => r !== undefined && r !== HANG);
        return replies.length ? send(res, 200, replies) : send(res, 204, undefined);
      }
      const reply = await handleOne(msg);
      if (reply === HANG) return hang(res);
      return reply ? send(res, 200, reply) : send(res, 204, undefined);
    });
    req.on('error', () => res.destroy());
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  return {
    chain,
    restored,
    server,
    listen: () =>
      new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.host, () => {
          boundPort = (server.address() as { port: number }).port;
          resolve(`http://${opts.host}:${boundPort}`);
        });
      }),
    close: () => {
      clearInterval(timer);
      persist?.stop();
      return new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) return r();
        server.close(() => r());
      });
    },
  };
}
