import { readJsonBody } from '../lib/server/body';
import { corsHeaders, crossOriginRefusal, isJsonContentType } from '../lib/server/origin';

/** A request whose body is an endless stream of 16 KiB chunks; counts how many were pulled. */
function endless(headers: Record<string, string> = {}) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
    },
  });
  const req = new Request('http://127.0.0.1:3000/api/operations', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return { req, pulled: () => pulled };
}

describe('readJsonBody', () => {
  it('stops reading an endless body just past the limit', async () => {
    const { req, pulled } = endless();
    const r = await readJsonBody(req, 64 * 1024);
    expect(r).toEqual({ ok: false, status: 413, error: 'request body exceeds 65536 bytes' });
    expect(pulled()).toBeLessThanOrEqual(64 / 16 + 2); // the limit's chunks, one over, one queued ahead
  });

  it('refuses a declared length over the limit without reading at all', async () => {
    const { req, pulled } = endless({ 'content-length': String(300 * 2 ** 20) });
    expect(await readJsonBody(req, 1024)).toMatchObject({ ok: false, status: 413 });
    expect(pulled()).toBeLessThanOrEqual(1); // a stream may pull once when created
  });

  it('parses JSON, treats an empty body as {}, names bad JSON and bad UTF-8', async () => {
    const post = (body: BodyInit) => new Request('http://x/api', { method: 'POST', body });
    expect(await readJsonBody(post('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    expect(await readJsonBody(post('  '))).toEqual({ ok: true, value: {} });
    expect(await readJsonBody(post('{nope'))).toMatchObject({ ok: false, status: 400, error: expect.stringContaining('not valid JSON') });
    expect(await readJsonBody(post(new Uint8Array([0x22, 0xff, 0x22])))).toMatchObject({
      ok: false,
      status: 400,
      error: expect.stringContaining('UTF-8'),
    });
  });
});

describe('cross-origin control calls', () => {
  const req = (headers: Record<string, string>) =>
    new Request('http://127.0.0.1:3000/api/operations', { method: 'POST', headers: { host: '127.0.0.1:3000', ...headers } });
  const allowed = ['https://ops.example.com'];

  it('admits no Origin (not a browser), our own origin and allowed ones', () => {
    expect(crossOriginRefusal(req({}), allowed)).toBeUndefined();
    expect(crossOriginRefusal(req({ origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }), allowed)).toBeUndefined();
    expect(crossOriginRefusal(req({ origin: 'https://ops.example.com', 'sec-fetch-site': 'cross-site' }), allowed)).toBeUndefined();
    expect(crossOriginRefusal(req({ 'sec-fetch-site': 'none' }), allowed)).toBeUndefined();
  });

  it('refuses other origins, opaque ones, and cross-site fetches without an Origin, naming the setting', () => {
    expect(crossOriginRefusal(req({ origin: 'https://evil.example' }), allowed)).toContain('BLOCKOPS_ALLOWED_ORIGINS');
    expect(crossOriginRefusal(req({ origin: 'null' }), allowed)).toContain('cross-origin');
    expect(crossOriginRefusal(req({ origin: 'https://ops.example.com.evil.example' }), allowed)).toBeDefined();
    expect(crossOriginRefusal(req({ 'sec-fetch-site': 'cross-site' }), allowed)).toContain('cross-site');
    expect(crossOriginRefusal(req({ 'sec-fetch-site': 'same-site' }), allowed)).toContain('same-site');
  });

  it('answers CORS only to allowed foreign origins', () => {
    expect(corsHeaders(req({ origin: 'https://ops.example.com' }), allowed)).toMatchObject({
      'access-control-allow-origin': 'https://ops.example.com',
      vary: 'Origin',
    });
    expect(corsHeaders(req({ origin: 'https://evil.example' }), allowed)).toEqual({});
    expect(corsHeaders(req({ origin: 'http://127.0.0.1:3000' }), allowed)).toEqual({});
  });

  it('knows application/json with or without parameters, nothing else', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    for (const t of [null, '', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/jsonx'])
      expect(isJsonContentType(t)).toBe(false);
  });
});
