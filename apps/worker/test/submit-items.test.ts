/**
 * A round's intents go out in JSON-RPC batch requests no larger than the node's body limit, in
 * order, each item once; a round that fits goes as one request. Measured at a local HTTP server
 * that reads the real chain client's requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChainClient } from '@blockops/chain';
import type { ClaimedItem } from '@blockops/treasury';
import { submitItems } from '../src/activities/treasury/submit-items';

let server: http.Server;
let url: string;
const bodies: { bytes: number; ids: string[] }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const calls = JSON.parse(raw.toString('utf8')) as { id: number; params: { disbursement_id: string; nonce: number } }[];
      bodies.push({ bytes: raw.length, ids: calls.map((c) => c.params.disbursement_id) });
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          calls.map((c) => ({
            jsonrpc: '2.0',
            id: c.id,
            result: {
              tx_hash: `0x${c.id}`,
              disbursement_id: c.params.disbursement_id,
              nonce: c.params.nonce,
              block_height: 1,
              status: 'executed',
            },
          })),
        ),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => (bodies.length = 0));

const item = (i: number, memo?: string): ClaimedItem => ({
  id: `d-${i}`,
  status: 'QUEUED',
  executor: `ex-${i}`,
  nonce: i + 1,
  destination: '0xabcdef0123',
  units: BigInt(1_000_000 + i),
  ...(memo !== undefined ? { chainMemo: memo } : {}),
  attempts: 0,
  claimedAt: 1,
});

test('a round that fits the limit goes as one request', async () => {
  const items = Array.from({ length: 50 }, (_, i) => item(i, `depends_on=d-${i - 1}`));
  const sub = await submitItems(createChainClient({ url }), items, { maxBytes: 512 * 1024 });
  expect(bodies).toHaveLength(1);
  expect(sub.answers.map((a) => a.result.kind)).toEqual(items.map(() => 'E'));
});

test('a round over the limit is split into requests within it, in order, each item once', async () => {
  // memos that JSON escapes heavily (control characters take 6 bytes each) and multi-byte text
  const memo = (i: number) => (i % 3 === 0 ? '\u0001'.repeat(150) : i % 3 === 1 ? 'é€'.repeat(100) : 'plain');
  const items = Array.from({ length: 60 }, (_, i) => item(i, memo(i)));
  const maxBytes = 4000;
  const sub = await submitItems(createChainClient({ url }), items, { maxBytes });
  expect(bodies.length).toBeGreaterThan(1);
  for (const b of bodies) expect(b.bytes).toBeLessThanOrEqual(maxBytes);
  expect(bodies.flatMap((b) => b.ids).sort()).toEqual(items.map((i) => i.id).sort());
  expect(sub.answers.map((a) => a.result.id)).toEqual(items.map((i) => i.id));
});
