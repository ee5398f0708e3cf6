/**
 * Issue 3 figures: devnet calls/s on loopback through packages/chain, beside a bare HTTP round
 * trip (node:http keep-alive + JSON.parse, no validation, no classification) to the same server
 * in the same run, and beside global fetch (what the client used before; kept as a reference):
 * - light.latest_header (small answer),
 * - receipt.audit pages of 1,000 receipts,
 * - batches of 10 light.latest_header calls per request.
 * Fixed concurrency; client overhead = 1 − client calls/s ÷ bare calls/s, the median over
 * alternating rounds (min and max reported beside it).
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createChainClient } from '@blockops/chain';
import { startStack } from '@blockops/stack';
import type { BenchSection } from './run';
import { closedLoop, median, percentile, round } from './stats';

const CONCURRENCY = 32;
/** bare/client alternations per case */
const ROUNDS = 8;

/** Runs `call` with CONCURRENCY in flight for `seconds`; calls/s and latency percentiles. */
async function load(seconds: number, call: () => Promise<unknown>, weight = 1) {
  const { lat, elapsedS } = await closedLoop(CONCURRENCY, seconds, call);
  return { callsPerS: (lat.length * weight) / elapsedS, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

export async function run(): Promise<BenchSection[]> {
  const root = path.resolve(__dirname, '..');
  const stack = await startStack({
    root,
    dataDir: path.join(os.tmpdir(), `blockops-bench-devnet-${randomUUID()}`),
    services: ['devnet'],
    ports: { devnet: 0 },
    output: 'files',
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '4'],
  });
  try {
    const url = stack.urls.devnet!;
    const chain = createChainClient({ url, timeoutMs: 30_000 });
    await chain.dev.mine({ blocks: 600 });
    const headers = { 'content-type': 'application/json' };
    let id = 1;
    const target = new URL(url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const bare = (body: unknown) =>
      new Promise<unknown>((resolve, reject) => {
        const text = JSON.stringify(body);
        const req = http.request(
          target,
          { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(text)) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
          },
        );
        req.on('error', reject);
        req.end(text);
      });
    const viaFetch = async (body: unknown) => (await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })).json();
    const rpc = (method: string, params: unknown = {}) => ({ jsonrpc: '2.0', id: id++, method, params });
    const page = { from_height: 0, limit: 1000, offset: 0 };
    const batch10 = () => Array.from({ length: 10 }, () => ({ method: 'light.latest_header' }));

    const cases: Array<{ title: string; seconds: number; weight: number; client: () => Promise<unknown>; bare: () => Promise<unknown> }> = [
      {
        title: 'light.latest_header',
        seconds: 12,
        weight: 1,
        client: () => chain.light.latestHeader(),
        bare: () => bare(rpc('light.latest_header')),
      },
      {
        title: 'receipt.audit, pages of 1,000 receipts',
        seconds: 12,
        weight: 1,
        client: () => chain.receipt.audit(page),
        bare: () => bare(rpc('receipt.audit', page)),
      },
      {
        title: 'batched: 10 light.latest_header per request',
        seconds: 8,
        weight: 10,
        client: () => chain.batch(batch10()),
        bare: () => bare(Array.from({ length: 10 }, () => rpc('light.latest_header'))),
      },
    ];
    const sections: BenchSection[] = [];
    for (const c of cases) {
      // warm-up both paths, then alternate bare / client in short rounds so drift (CPU frequency,
      // the devnet's GC, the other core's neighbours) hits both; the overhead is the median of
      // the per-round ratios, which one noisy round cannot move
      await load(0.5, c.bare, c.weight);
      await load(0.5, c.client, c.weight);
      const bares: Awaited<ReturnType<typeof load>>[] = [];
      const clients: Awaited<ReturnType<typeof load>>[] = [];
      const overheads: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const b = await load(c.seconds / ROUNDS, c.bare, c.weight);
        const k = await load(c.seconds / ROUNDS, c.client, c.weight);
        bares.push(b);
        clients.push(k);
        overheads.push((1 - k.callsPerS / b.callsPerS) * 100);
      }
      const fetchRate =
        c.weight === 1 && c.title === 'light.latest_header'
          ? (await load(c.seconds / 4, () => viaFetch(rpc('light.latest_header')))).callsPerS
          : undefined;
      const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
      const bareRate = mean(bares.map((x) => x.callsPerS));
      const clientRate = mean(clients.map((x) => x.callsPerS));
      const k1 = {
        p50: percentile(
          clients.map((x) => x.p50),
          50,
        ),
        p99: Math.max(...clients.map((x) => x.p99)),
      };
      const b1 = {
        p50: percentile(
          bares.map((x) => x.p50),
          50,
        ),
        p99: Math.max(...bares.map((x) => x.p99)),
      };
      sections.push({
        title: `Devnet via packages/chain vs bare HTTP: ${c.title}`,
        figures: {
          concurrency: CONCURRENCY,
          client_calls_per_s: Math.round(clientRate),
          bare_calls_per_s: Math.round(bareRate),
          client_p50_ms: round(k1.p50),
          client_p99_ms: round(k1.p99),
          bare_p50_ms: round(b1.p50),
          bare_p99_ms: round(b1.p99),
          rounds: ROUNDS,
          client_overhead_pct: round(median(overheads), 1),
          client_overhead_pct_min: round(Math.min(...overheads), 1),
          client_overhead_pct_max: round(Math.max(...overheads), 1),
          ...(fetchRate ? { global_fetch_calls_per_s: Math.round(fetchRate) } : {}),
        },
        notes:
          c.weight > 1
            ? ['calls/s count each call inside a batch.']
            : c.title.startsWith('receipt')
              ? [
                  'Each answer is ~250 KB of JSON; the client checks every receipt against the zod schema (compiled to an Ajv validator, no copy).',
                ]
              : [],
      });
    }
    return sections;
  } finally {
    await stack.stop();
  }
}
