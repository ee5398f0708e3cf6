import http from 'node:http';

function arg(name: string, env: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? process.env[env] ?? def;
}
const port = Number(arg('port', 'DEVNET_PORT', '9933'));
const host = arg('host', 'DEVNET_HOST', '127.0.0.1');
const interval = Number(arg('block-interval-ms', 'DEVNET_BLOCK_INTERVAL_MS', '1000'));
const token = process.env.THEBLOCK_AUTH_TOKEN;
const genesis = 1_767_225_600_000;
let height = 1;
setInterval(() => height++, interval).unref();

const methods: Record<string, () => unknown> = {
  'light.latest_header': () => ({ height, hash: `0x${height.toString(16).padStart(64, '0')}`, timestamp: Math.floor((genesis + height * interval) / 1000), finality_time: 6 }),
  'net.stats': () => ({ peer_count: 23, tps: 145.7, bandwidth_in: 1_024_000, bandwidth_out: 512_000, active_connections: 23 }),
};

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify({ status: 'ok', height }));
  }
  if (token && req.headers.authorization !== `Bearer ${token}`) {
    res.statusCode = 401;
    return res.end();
  }
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    let id: unknown = null;
    let out: unknown;
    try {
      const msg = JSON.parse(body);
      id = msg.id ?? null;
      const fn = methods[msg.method];
      out = fn ? { jsonrpc: '2.0', id, result: fn() } : { jsonrpc: '2.0', id, error: { code: -32601, message: `method not found: ${msg.method}` } };
    } catch {
      out = { jsonrpc: '2.0', id, error: { code: -32700, message: 'parse error' } };
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(out));
  });
});
server.listen(port, host, () => console.log(`devnet listening on http://${host}:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
