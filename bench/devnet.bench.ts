/**
 * Issue 3 figures: devnet calls/s on loopback through packages/chain, beside a bare HTTP round
 * trip (node:http keep-alive + JSON.parse, no validation, no classification) to the same server
 * in the same run, and beside global fetch (what the client used before; kept as a reference):
 * - light.latest_header (small answer),
 * - receipt.audit pages of 1,000 receipts,
 * - batches of 10 light.latest_header calls per request.
 * Fixed concurrency; client overhead = 1 − client calls/s ÷ bare calls/s.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createChainClient } from '@blockops/chain';
import { startStack } from '@blockops/stack';
import type { BenchSection } from './run';
import { percentile, round } from './stats';

const CONCURRENCY = 32;

/** Runs `call` with CONCURRENCY in flight for `seconds`; calls/s and latency percentiles. */
async function load(seconds: number, call: () => Promise<unknown>, weight = 1) {
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await call();
        lat.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { callsPerS: (lat.length * weight) / elapsed, p50: percentile(lat, 50), p99: percentile(lat, 99) };
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
        const req = http.request(target, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(text)) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        });
        req.on('error', reject);
        req.end(text);
      });
    const viaFetch = async (body: unknown) => (await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })).json();
    const rpc = (method: string, params: unknown = {}) => ({ jsonrpc: '2.0', id: id++, method, params });
    const page = { from_height: 0, limit: 1000, offset: 0 };
    const batch10 = () => Array.from({ length: 10 }, () => ({ method: 'light.latest_header' }));

    const cases: Array<{ title: string; seconds: number; weight: number; client: () => Promise<unknown>; bare: () => Promise<unknown> }> = [
      { title: 'light.latest_header', seconds: 6, weight: 1, client: () => chain.light.latestHeader(), bare: () => bare(rpc('light.latest_header')) },
      { title: 'receipt.audit, pages of 1,000 receipts', seconds: 8, weight: 1, client: () => chain.receipt.audit(page), bare: () => bare(rpc('receipt.audit', page)) },
      {
        title: 'batched: 10 light.latest_header per request',
        seconds: 3,
        weight: 10,
        client: () => chain.batch(batch10()),
        bare: () => bare(Array.from({ length: 10 }, () => rpc('light.latest_header'))),
      },
    ];
    const sections: BenchSection[] = [];
    for (const c of cases) {
      // warm-up both paths, then alternate bare / client so drift hits both
      await load(0.5, c.bare, c.weight);
      await load(0.5, c.client, c.weight);
      const b1 = await load(c.seconds / 2, c.bare, c.weight);
      const k1 = await load(c.seconds / 2, c.client, c.weight);
      const b2 = await load(c.seconds / 2, c.bare, c.weight);
      const k2 = await load(c.seconds / 2, c.client, c.weight);
      const fetchRate = c.weight === 1 && c.title === 'light.latest_header' ? (await load(c.seconds / 2, () => viaFetch(rpc('light.latest_header')))).callsPerS : undefined;
      const bareRate = (b1.callsPerS + b2.callsPerS) / 2;
      const clientRate = (k1.callsPerS + k2.callsPerS) / 2;
      sections.push({
        title: `Devnet via packages/chain vs bare HTTP: ${c.title}`,
        figures: {
          concurrency: CONCURRENCY,
          client_calls_per_s: Math.round(clientRate),
          bare_calls_per_s: Math.round(bareRate),
          client_p50_ms: round((k1.p50 + k2.p50) / 2),
          client_p99_ms: round(Math.max(k1.p99, k2.p99)),
          bare_p50_ms: round((b1.p50 + b2.p50) / 2),
          bare_p99_ms: round(Math.max(b1.p99, b2.p99)),
          client_overhead_pct: round((1 - clientRate / bareRate) * 100, 1),
          ...(fetchRate ? { global_fetch_calls_per_s: Math.round(fetchRate) } : {}),
        },
        notes:
          c.weight > 1
            ? ['calls/s count each call inside a batch.']
            : c.title.startsWith('receipt')
              ? ['Each answer is ~250 KB of JSON; the client validates every receipt with zod.']
              : [],
      });
    }
    return sections;
  } finally {
    await stack.stop();
  }
}
