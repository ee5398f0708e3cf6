/**
 * Accounting state belongs to one chain. Real processes: a devnet whose chain is replaced (a new
 * seed, no state file) under the same URL, and worker processes: the running poller stops
 * applying, a worker started on the new chain refuses to start naming both chains and the reset,
 * and after `npm run accounts:reset` it accounts the new chain from its first block.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createChainClient } from '@blockops/chain';
import { createAccountingStore } from '@blockops/accounts';
import { connectRedis, type RedisClient } from '@blockops/events';
import { freePort, httpOk, startProcess, startStack, startTestStack, type ManagedProcess, type Stack } from '@blockops/stack';
import { Client, Connection } from '@temporalio/client';
import { expectAccountingMatches, ledgerOracle } from './support/oracle';

const root = path.resolve(__dirname, '../../..');
const ACCOUNT = '0xblockops';
let stack: Awaited<ReturnType<typeof startTestStack>>;
let devnet: Stack | undefined;
let devnetPort: number;
let redis: RedisClient;
const workers: ManagedProcess[] = [];

/** A devnet on a fixed port with its own data dir: stopping it and starting another replaces the chain behind the same URL. */
async function startDevnet(seed: number, dataDir: string): Promise<Stack> {
  return startStack({
    root,
    dataDir,
    services: ['devnet'],
    ports: { devnet: devnetPort },
    output: 'files',
    env: { TB_ACCOUNT: ACCOUNT },
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', String(seed)],
  });
}

beforeAll(async () => {
  stack = await startTestStack({ services: ['temporal', 'redis'] });
  redis = await connectRedis(stack.env.REDIS_URL!);
  devnetPort = await freePort();
  devnet = await startDevnet(31, path.join(stack.dataDir, 'chain-a'));
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.stop(1000);
  await devnet?.stop();
  const keys = await redis?.keys(`${stack.names.accounts}*`);
  if (keys?.length) await redis.del(keys);
  redis?.destroy();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const workerEnv = (port: number) => ({
  ...process.env,
  ...stack.env,
  THEBLOCK_RPC_URL: `http://127.0.0.1:${devnetPort}`,
  WORKER_METRICS_PORT: String(port),
  TB_ACCOUNT: ACCOUNT,
  RECEIPT_POLL_INTERVAL_MS: '100',
  RECEIPT_BATCH_TIMEOUT_MS: '3000',
  RECEIPT_POLL_IDLE_MS: '1000',
  LOG_LEVEL: 'warn',
});

async function startWorker(n: number): Promise<{ proc: ManagedProcess; metrics: string }> {
  const port = await freePort();
  const proc = await startProcess({
    name: `worker-${n}`,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'apps/worker/src/main.ts')],
    env: workerEnv(port),
    ready: () => httpOk(`http://127.0.0.1:${port}/health`),
    timeoutMs: 90_000,
    output: { file: path.join(stack.dataDir, 'logs', `worker-${n}.log`) },
  });
  workers.push(proc);
  return { proc, metrics: `http://127.0.0.1:${port}/metrics` };
}

test('a node on another chain: the poller stops applying, a worker refuses to start naming both chains, the documented reset starts over', async () => {
  const store = createAccountingStore({ redis, prefix: stack.names.accounts, startingBalance: 100_000_000_000n });
  const url = `http://127.0.0.1:${devnetPort}`;
  const chainA = await createChainClient({ url }).chain.id();

  // chain A: the worker records it and accounts it
  const first = await startWorker(1);
  expect(await store.chainIdentity()).toEqual({ chainId: chainA.chain_id, genesisHash: chainA.genesis_hash });
  await createChainClient({ url }).dev.mine({ blocks: 30 });
  await until('chain A accounted', async () => (await store.checkpoint()) === 30);

  // the node is replaced by a new chain behind the same URL (another seed, no state): it grows past our checkpoint
  await devnet!.stop();
  rmSync(path.join(stack.dataDir, 'chain-a'), { recursive: true, force: true });
  devnet = await startDevnet(32, path.join(stack.dataDir, 'chain-b'));
  const chainB = createChainClient({ url });
  const idB = await chainB.chain.id();
  expect(idB.genesis_hash).not.toBe(chainA.genesis_hash);
  await chainB.dev.mine({ blocks: 60 });

  // the running poller refuses the new chain's blocks: nothing applied, the mismatch counted
  await until('the poller to refuse the new chain', async () =>
    /receipt_poller_errors\{reason="ChainMismatch"\} [1-9]/.test(await (await fetch(first.metrics)).text()),
  );
  expect(await store.checkpoint()).toBe(30);
  expect((await store.chainIdentity())?.genesisHash).toBe(chainA.genesis_hash);
  await first.proc.stop();

  // a worker started now refuses, naming both chains and the way out
  const refused = await startWorker(2).then(
    () => undefined,
    (err: Error) => err.message,
  );
  expect(refused).toContain('exited before it was ready: code 1');
  expect(refused).toContain(`chain ${chainA.chain_id}`);
  expect(refused).toContain(`chain ${idB.chain_id}`);
  expect(refused).toContain(url);
  expect(refused).toContain('npm run accounts:reset');
  expect(refused).not.toMatch(/\n\s+at /); // one message, no stack trace

  // the documented reset: without --yes it only says what it would delete; with it, starts over
  const reset = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/accounts-reset.ts'), ...args], {
      cwd: root,
      env: workerEnv(65_000),
    }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
  const dry = await reset([]);
  expect(dry.code).toBe(1);
  expect(dry.out).toContain(`accounting at height 30 of chain ${chainA.chain_id}`);
  expect(await store.checkpoint()).toBe(30);
  const done = await reset(['--yes']);
  expect(done.code).toBe(0);
  expect(await store.checkpoint()).toBe(0);

  // now the worker starts, records chain B and accounts it from its first block
  await startWorker(3);
  expect((await store.chainIdentity())?.genesisHash).toBe(idB.genesis_hash);
  const head = (await chainB.light.latestHeader()).height;
  await until('chain B accounted to its head', async () => (await store.checkpoint()) === head);
  expectAccountingMatches((await store.snapshot()).state, await ledgerOracle({ url }, ACCOUNT, head, '100000'));

  // the poller workflow carried on across all of it: one execution
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  try {
    const d = await new Client({ connection }).workflow.getHandle('receipt-poller').describe();
    expect(d.status.name).toBe('RUNNING');
  } finally {
    await connection.close();
  }
});
