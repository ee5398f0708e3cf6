/**
 * prepareBatch's nonce sync asks the node for our executors only (`executor_prefix`); a node that
 * does not take the filter (an older node: invalid params) is asked for every executor instead, and
 * the batch still starts. The real chain client against a local JSON-RPC server; the store is a stub.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChainClient } from '@blockops/chain';
import type { TreasuryStore } from '@blockops/treasury';
import { createTreasuryActivities, type TreasuryDeps } from '../src/activities/treasury';

const NONCES = { 'pool-ex-0': 7, 'pool-ex-1': 2, 'someone-else-0': 99 };
let takesFilter = true;
const asked: unknown[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; params: { executor_prefix?: string } };
      asked.push(call.params);
      res.setHeader('content-type', 'application/json');
      const prefix = call.params.executor_prefix;
      if (prefix !== undefined && !takesFilter) {
        res.end(
          JSON.stringify({
            jsonrpc: '2.0',
            id: call.id,
            error: { code: -32602, message: 'invalid params: unrecognized key executor_prefix' },
          }),
        );
        return;
      }
      const nonces = Object.fromEntries(Object.entries(NONCES).filter(([e]) => prefix === undefined || e.startsWith(prefix)));
      res.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result: { balance: '100', nonces } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function activities() {
  const raised: Record<string, number>[] = [];
  const marked: string[] = [];
  const treasury = {
    executors: { prefix: 'pool-ex', count: 2 },
    markWorkflowStarted: async (b: string) => void marked.push(b),
    raiseNonces: async (n: Record<string, number>) => (raised.push(n), 0),
    progress: async () => ({ counts: { QUEUED: 1, EXECUTED: 0, CANCELLED: 0, FAILED: 0 }, readyLeft: 1, exists: true }),
    throttle: async () => ({ maxInFlightChunks: 4, chunkSize: 50 }),
  } as unknown as TreasuryStore;
  const deps = {
    chain: createChainClient({ url, timeoutMs: 2000, readRetries: 0 }),
    treasury,
    publish: async () => undefined,
    metrics: {},
    emergency: {},
  } as unknown as TreasuryDeps;
  return { a: createTreasuryActivities(deps), raised, marked };
}

test('the nonce sync reads only our executors, and marks the batch’s workflow as started', async () => {
  takesFilter = true;
  asked.length = 0;
  const { a, raised, marked } = activities();
  const p = await a.prepareBatch('b1');
  expect(p).toMatchObject({ exists: true, readyLeft: 1, throttle: { maxInFlightChunks: 4, chunkSize: 50 } });
  expect(asked).toEqual([{ executor_prefix: 'pool-ex-' }]);
  expect(raised).toEqual([{ 'pool-ex-0': 7, 'pool-ex-1': 2 }]);
  expect(marked).toEqual(['b1']);
});

test('a node that refuses the filter (invalid params) is asked for every executor: the batch still starts', async () => {
  takesFilter = false;
  asked.length = 0;
  const { a, raised } = activities();
  await expect(a.prepareBatch('b2')).resolves.toMatchObject({ exists: true });
  expect(asked).toEqual([{ executor_prefix: 'pool-ex-' }, {}]);
  // the store keeps only its own pool's executors (raiseNonces filters by prefix)
  expect(raised).toEqual([NONCES]);
});
