/**
 * A process started with bad configuration ends with one clear message naming the variable and
 * exit code 1 — never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { connectRedis, type RedisClient } from '@blockops/events';

const root = path.resolve(__dirname, '../../..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Processes check (and stamp) their accounting store on start: never the shared default prefix. */
const filePrefix = `test:bad-config:${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  const redis = await connectRedis(REDIS_URL);
  for await (const keys of redis.scanIterator({ MATCH: `${filePrefix}:*` })) if (keys.length) await redis.del(keys);
  redis.destroy();
});

function runEntry(script: string, env: Record<string, string>) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, script)], {
    cwd: root,
    env: { ...process.env, ACCOUNTS_PREFIX: `${filePrefix}:default`, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

const noStack = (out: string) => expect(out).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

describe.each([
  ['worker', 'apps/worker/src/main.ts'],
  ['web', 'apps/web/server.ts'],
])('%s', (name, script) => {
  test('an invalid TEMPORAL_ADDRESS is named, with the expected shape', () => {
    const { code, out } = runEntry(script, { TEMPORAL_ADDRESS: 'not-an-address' });
    expect(code).toBe(1);
    expect(out).toContain(`${name}: Invalid configuration`);
    expect(out).toContain('TEMPORAL_ADDRESS: must be host:port');
    noStack(out);
  });

  test('an unreachable Redis is named', () => {
    const { code, out } = runEntry(script, { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(code).toBe(1);
    expect(out).toMatch(/REDIS_URL: cannot reach redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    noStack(out);
  });

  test('an unreachable Temporal is named', () => {
    const { code, out } = runEntry(script, { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(code).toBe(1);
    expect(out).toContain('TEMPORAL_ADDRESS: cannot reach 127.0.0.1:1');
    noStack(out);
  });
});

describe('an accounting store written by the previous (float) format', () => {
  let redis: RedisClient;
  beforeAll(async () => {
    redis = await connectRedis(REDIS_URL);
  });
  afterAll(() => redis.destroy());

  /** The state hash and history as the previous blockops wrote them: JSON floats. */
  async function oldStore(balance: number, spent = 7016.06) {
    const prefix = `${filePrefix}:${randomUUID().slice(0, 8)}`;
    const position = { totalSpent: 0, totalEarned: 0, unitsConsumed: 0, subsidies: 0, receipts: 0 };
    const state = {
      startingBalance: 100000,
      balance,
      positions: { compute: { ...position, totalSpent: spent, receipts: 1 }, storage: position, energy: position, ad: position },
      receiptsProcessed: 1,
      lastHeight: 3,
    };
    await redis.hSet(`${prefix}:state`, { checkpoint: '3', balance: String(balance), state: JSON.stringify(state) });
    const receipt = { id: 'r1', market: 'compute', blockHeight: 3, timestamp: 1, direction: 'spend', amount: spent };
    await redis.lPush(`${prefix}:history`, JSON.stringify(receipt));
    return prefix;
  }

  describe.each([
    ['worker', 'apps/worker/src/main.ts'],
    ['web', 'apps/web/server.ts'],
  ])('%s', (name, script) => {
    test('holding float residue: refuses to start, naming the key and the command that resets it; nothing changed', async () => {
      const prefix = await oldStore(92983.94000000002); // what 100000 − 7016.06 − … leaves in a float
      const before = await redis.hGetAll(`${prefix}:state`);
      const { code, out } = runEntry(script, { ACCOUNTS_PREFIX: prefix, REDIS_URL });
      expect(code).toBe(1);
      expect(out).toContain(`${name}: Invalid configuration`);
      expect(out).toContain(`ACCOUNTS_PREFIX: the accounting store at ${prefix}:state was written by an older blockops with float amounts`);
      expect(out).toContain('state.balance: amount has more than 6 decimals (got 92983.94000000002)');
      expect(out).toContain(`redis-cli -u ${REDIS_URL} --scan --pattern '${prefix}:*' | xargs -r redis-cli -u ${REDIS_URL} del`);
      noStack(out);
      expect(await redis.hGetAll(`${prefix}:state`)).toEqual(before);
    });

    test('holding exact amounts: migrates it on start, then goes on (here to the unreachable Temporal)', async () => {
      const prefix = await oldStore(92983.94);
      const { code, out } = runEntry(script, { ACCOUNTS_PREFIX: prefix, REDIS_URL, TEMPORAL_ADDRESS: '127.0.0.1:1' });
      expect(code).toBe(1);
      expect(out).toContain('TEMPORAL_ADDRESS: cannot reach 127.0.0.1:1');
      const state = await redis.hGetAll(`${prefix}:state`);
      expect(state).toMatchObject({ format: '2', checkpoint: '3', balance: '92983940000', reserved: '0' });
      expect(JSON.parse(state.state!)).toMatchObject({ startingBalance: '100000000000', balance: '92983940000' });
      expect(JSON.parse(state.state!).positions.compute.totalSpent).toBe('7016060000');
      expect(JSON.parse((await redis.lRange(`${prefix}:history`, 0, -1))[0]!)).toMatchObject({ id: 'r1', amount: '7016060000' });
    });
  });
});
