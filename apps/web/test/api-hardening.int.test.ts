/**
 * The web process under hostile or careless callers, on a real stack (Redis, Temporal, the web
 * process; no worker or node needed): the auth matrix generated from the route table, the
 * Socket.IO handshake, cross-site control calls (auth on and off), a 300 MB body against the web
 * process's memory, security headers on console pages, and a WEB_PORT already in use.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { io } from 'socket.io-client';
import { freePort, httpOk, startProcess, startTestStack, type ManagedProcess } from '@blockops/stack';
import { Contract, METHODS, routeFiles, type Method, type OpenApiDocument } from './support/contract';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack;
let contract: Contract;
// both keys the same length, so a wrong key of that length is a real guess
const OPERATOR = 'operator-key-hardening-0001';
const VIEWER = 'viewer---key-hardening-0001';
const WRONG = 'x'.repeat(OPERATOR.length);
const WEBHOOK_TOKEN = 'alertmanager-token-hardening';
const webDir = path.resolve(__dirname, '..');

beforeAll(async () => {
  expect(VIEWER.length).toBe(OPERATOR.length);
  stack = await startTestStack({
    services: ['redis', 'temporal', 'web'],
    // no node: chain reads answer 502, which is neither 401 nor 403
    env: {
      BLOCKOPS_OPERATOR_KEY: OPERATOR,
      BLOCKOPS_VIEWER_KEY: VIEWER,
      ALERTS_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      THEBLOCK_RPC_URL: 'http://127.0.0.1:1',
    },
  });
  contract = new Contract((await (await fetch(`${stack.urls.web}/api/openapi.json`)).json()) as OpenApiDocument);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

const webPid = () => stack.processes.find((p) => p.name === 'web')!.child.pid!;
const rssKb = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

describe('auth matrix, generated from the route table', () => {
  const credentials = {
    'no key': undefined,
    'wrong key (same length)': WRONG,
    'webhook token': WEBHOOK_TOKEN,
    viewer: VIEWER,
    operator: OPERATOR,
  } as const;
  type Credential = keyof typeof credentials;
  const styles = ['bearer', 'x-api-key'] as const;

  /** `ownToken`: the route also takes a token of its own (Alertmanager's webhook), and refuses every other key but the operator's with 401. */
  function expected(access: 'public' | 'viewer' | 'operator', who: Credential, ownToken: boolean): 'allowed' | 401 | 403 {
    if (access === 'public') return 'allowed';
    if (who === 'webhook token') return ownToken ? 'allowed' : 401;
    if (who === 'no key' || who === 'wrong key (same length)') return 401;
    if (access === 'operator' && who === 'viewer') return ownToken ? 401 : 403;
    return 'allowed';
  }

  test('the table covers every route file and method', () => {
    const files = routeFiles().filter((f) => !f.catchAll);
    const operations = contract.operations();
    expect(operations.length).toBeGreaterThanOrEqual(files.length);
    for (const f of files) expect(operations.some(([t]) => t === f.path)).toBe(true);
  });

  test('every method × {no key, wrong key, viewer, operator} × {bearer, x-api-key}', async () => {
    const rows: string[] = [];
    const failures: string[] = [];
    for (const [template, method] of contract.operations()) {
      const op = contract.operation(template, method)!;
      const keyRequirement = op.security.find((r) => 'bearerKey' in r);
      const access = keyRequirement ? (keyRequirement.bearerKey![0] as 'viewer' | 'operator') : 'public';
      const ownToken = op.security.some((r) => 'alertsWebhookToken' in r);
      const concrete = template.replace(/\{\w+\}/g, 'auth-matrix-probe');
      for (const [who, key] of Object.entries(credentials) as [Credential, string | undefined][]) {
        for (const style of styles) {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (key) headers[style === 'bearer' ? 'authorization' : 'x-api-key'] = style === 'bearer' ? `Bearer ${key}` : key;
          const res = await fetch(`${stack.urls.web}${concrete}`, { method, headers, body: method === 'GET' ? undefined : '{}' });
          const body = await res.json();
          const want = expected(access, who, ownToken);
          const got = res.status;
          const ok = want === 'allowed' ? got !== 401 && got !== 403 : got === want;
          // a control call that passed auth is stopped by its (empty) body, or by a path naming nothing, after auth
          const passedAuthOnly = want === 'allowed' && method !== 'GET' ? got === 400 || (concrete !== template && got === 404) : true;
          rows.push(`${method} ${template} ${who} ${style} → ${got}`);
          if (!ok || !passedAuthOnly) failures.push(`${method} ${template} with ${who} (${style}): got ${got}, want ${want}`);
          failures.push(...contract.problems(method as Method, concrete, got, body, res.headers));
        }
      }
    }
    expect(failures).toEqual([]);
    expect(rows.length).toBe(contract.operations().length * Object.keys(credentials).length * styles.length);
  });

  test('the Socket.IO handshake needs a key (none and a wrong one are refused) and the console’s origin', async () => {
    const handshake = (auth: Record<string, unknown>, extraHeaders: Record<string, string> = {}) =>
      new Promise<string>((resolve) => {
        const s = io(stack.urls.web!, {
          path: '/socket.io',
          transports: ['websocket'],
          auth,
          extraHeaders,
          reconnection: false,
          timeout: 10_000,
        });
        s.once('connect', () => {
          s.close();
          resolve('connected');
        });
        s.once('connect_error', (err) => {
          s.close();
          resolve(err.message);
        });
      });
    expect(await handshake({})).toMatch(/^unauthorized/);
    expect(await handshake({ token: WRONG })).toMatch(/^unauthorized/);
    expect(await handshake({ token: VIEWER })).toBe('connected');
    expect(await handshake({ token: OPERATOR })).toBe('connected');
    // a page on another site cannot open the live feed, even holding a key; the console's own origin can
    expect(await handshake({ token: VIEWER }, { origin: 'https://evil.example' })).not.toBe('connected');
    expect(await handshake({ token: VIEWER }, { origin: new URL(stack.urls.web!).origin })).toBe('connected');
  });
});

/** Sends `total` bytes to POST /api/operations in 64 KiB chunks, sampling the web process's RSS; stops at the answer. */
function bigUpload(opts: {
  total: number;
  declareLength: boolean;
}): Promise<{ status?: number; error?: string; sentBytes: number; peakRssKb: number }> {
  const url = new URL(`${stack.urls.web}/api/operations`);
  const pid = webPid();
  let peak = rssKb(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 20);
  const chunk = Buffer.alloc(64 * 1024, 0x20); // JSON whitespace
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    const finish = (r: { status?: number; error?: string }) => {
      if (done) return;
      done = true;
      clearInterval(sampler);
      peak = Math.max(peak, rssKb(pid));
      req.destroy();
      resolve({ ...r, sentBytes: sent, peakRssKb: peak });
    };
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${OPERATOR}`,
          ...(opts.declareLength ? { 'content-length': String(opts.total) } : { 'transfer-encoding': 'chunked' }),
        },
      },
      (res) => {
        res.resume();
        finish({ status: res.statusCode });
      },
    );
    req.on('error', (err) => finish({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    const pump = () => {
      while (!done && sent < opts.total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!done) req.end();
    };
    pump();
  });
}

describe('a 300 MB body', () => {
  const TOTAL = 300 * 1024 * 1024;
  const ALLOWED_GROWTH_KB = 8 * 1024;

  test.each([
    ['streamed (chunked, no length)', false],
    ['with a declared Content-Length', true],
  ])('%s is refused with 413 while reading; the web process grows by less than 8 MB', async (_name, declareLength) => {
    // warm the route so its code is loaded before measuring
    await fetch(`${stack.urls.web}/api/operations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR}` },
      body: '{}',
    });
    const before = rssKb(webPid());
    const r = await bigUpload({ total: TOTAL, declareLength });
    const growthKb = r.peakRssKb - before;
    console.log(
      `300 MB body (${_name}): ${r.status ?? r.error} after ${(r.sentBytes / 2 ** 20).toFixed(1)} MB sent; web RSS ${before} kB → peak ${r.peakRssKb} kB (+${growthKb} kB)`,
    );
    expect(r.status).toBe(413);
    expect(r.sentBytes).toBeLessThan(TOTAL);
    expect(growthKb).toBeLessThan(ALLOWED_GROWTH_KB);
    // and the process still serves
    expect((await fetch(`${stack.urls.web}/api/health`)).status).toBeLessThan(600);
  });
});

describe('cross-site control calls', () => {
  const attempt = (base: string, headers: Record<string, string>, body = '{"market":"compute","estimatedCost":"1"}') =>
    fetch(`${base}/api/operations`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR}`, ...headers }, body }).then(
      async (r) => ({
        status: r.status,
        body: (await r.json()) as { error: string },
        acao: r.headers.get('access-control-allow-origin'),
      }),
    );

  async function checks(base: string) {
    // the attack of the issue: a "simple" request from another site
    const simple = await attempt(base, { 'content-type': 'text/plain', origin: 'https://evil.example' });
    expect(simple.status).toBe(403);
    expect(simple.body.error).toContain('BLOCKOPS_ALLOWED_ORIGINS');
    // JSON from another site, or a browser saying cross-site without an Origin
    expect((await attempt(base, { 'content-type': 'application/json', origin: 'https://evil.example' })).status).toBe(403);
    expect((await attempt(base, { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // not JSON from anywhere
    const plain = await attempt(base, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.body.error).toContain('application/json');
    expect((await attempt(base, {})).status).toBe(415);
    // the console's own origin, and an allowed one (which gets CORS answers), pass to validation
    const own = new URL(base).origin;
    expect((await attempt(base, { 'content-type': 'application/json', origin: own, 'sec-fetch-site': 'same-origin' }, '{}')).status).toBe(
      400,
    );
    const allowed = await attempt(base, { 'content-type': 'application/json', origin: 'https://ops.example.test' }, '{}');
    expect(allowed).toMatchObject({ status: 400, acao: 'https://ops.example.test' });
    const preflight = await fetch(`${base}/api/operations`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://ops.example.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://ops.example.test');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const evilPreflight = await fetch(`${base}/api/operations`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
    // reads stay readable cross-origin only for the allowed origin
    const read = await fetch(`${base}/api/audit?limit=1`, {
      headers: { authorization: `Bearer ${VIEWER}`, origin: 'https://evil.example' },
    });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  }

  test('auth on', async () => {
    // this stack's web has no allowed origins: start the checks on a second web process that has one
    await withWeb(
      { BLOCKOPS_OPERATOR_KEY: OPERATOR, BLOCKOPS_VIEWER_KEY: VIEWER, BLOCKOPS_ALLOWED_ORIGINS: 'https://ops.example.test' },
      checks,
    );
  });

  test('auth off', async () => {
    await withWeb({ BLOCKOPS_OPERATOR_KEY: '', BLOCKOPS_VIEWER_KEY: '', BLOCKOPS_ALLOWED_ORIGINS: 'https://ops.example.test' }, checks);
  });
});

/** A second web process on this stack's Redis and Temporal, with `env` on top. */
async function withWeb(env: Record<string, string>, fn: (base: string) => Promise<void>) {
  const port = await freePort();
  let web: ManagedProcess | undefined;
  try {
    web = await startProcess({
      name: 'web-2',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(webDir, 'server.ts')],
      cwd: webDir,
      env: {
        ...stack.env,
        THEBLOCK_RPC_URL: 'http://127.0.0.1:1',
        ...env,
        WEB_PORT: String(port),
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        LOG_LEVEL: 'warn',
      },
      ready: () => httpOk(`http://127.0.0.1:${port}/api/health`),
      timeoutMs: 60_000,
      output: 'ignore',
    });
    await fn(`http://127.0.0.1:${port}`);
  } finally {
    await web?.stop();
  }
}

test('console pages send CSP frame-ancestors none, X-Frame-Options, nosniff and a referrer policy; so does the API', async () => {
  for (const p of ['/', '/operations', '/pnl', '/runs/some-run', '/api/health']) {
    const res = await fetch(`${stack.urls.web}${p}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect({ p, frameAncestors: /frame-ancestors 'none'/.test(csp), defaultSrc: /default-src 'self'/.test(csp) }).toEqual({
      p,
      frameAncestors: true,
      defaultSrc: true,
    });
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  }
});

test('WEB_PORT in use: one line naming the variable and the port, exit code 1, no stack trace', async () => {
  const port = new URL(stack.urls.web!).port;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(webDir, 'server.ts')], {
    cwd: webDir,
    env: { ...process.env, ...stack.env, WEB_PORT: port, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  const lines = stderr.trim().split('\n');
  expect(lines).toEqual([
    `web: Invalid configuration: WEB_PORT: port ${port} on 127.0.0.1 is already in use; stop what listens there or set WEB_PORT to a free port`,
  ]);
  expect(stdout).not.toMatch(/^\s+at /m);
});

test('405 and 404 stay JSON for every method the route table does not serve', async () => {
  const res = await fetch(`${stack.urls.web}/api/pnl`, { method: 'DELETE', headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(405);
  expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  expect(((await res.json()) as { allowed: string[] }).allowed).toEqual(['GET', 'HEAD', 'OPTIONS']);
  for (const m of METHODS)
    expect((await fetch(`${stack.urls.web}/api/nothing-here`, { method: m })).headers.get('content-type')).toContain('application/json');
});
