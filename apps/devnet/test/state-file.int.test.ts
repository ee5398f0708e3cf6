/** `--state FILE`: the devnet process keeps its chain across a restart. */
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { startStack } from '@blockops/stack';

const root = path.resolve(__dirname, '../../..');
const dataDir = path.join(os.tmpdir(), `blockops-devnet-state-${randomUUID()}`);
const start = () =>
  startStack({
    root,
    dataDir,
    services: ['devnet'],
    ports: { devnet: 0 },
    output: 'files',
    devnetArgs: ['--block-interval-ms', '3600000', '--seed', '11', '--fund', '0xme=500'],
  });

async function rpc(url: string, method: string, params?: unknown) {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return ((await res.json()) as { result: any }).result;
}

test('height, receipts, balances, gates, operations and the treasury survive a restart', async () => {
  const first = await start();
  const url1 = first.urls.devnet!;
  expect((await rpc(url1, 'ledger.balance', { account: '0xme' })).balance).toBe(500);
  await rpc(url1, 'dev.mine', { blocks: 25 });
  await rpc(url1, 'storage.put', { operation_id: 'op-keep', account: '0xme', estimated_cost: 20 });
  await rpc(url1, 'dev.set_gate', { market: 'compute', state: 'PostOnly', reason: 'kept' });
  await rpc(url1, 'treasury.submit_disbursement', {
    disbursement_id: 'd-1',
    executor: 'e',
    nonce: 4,
    destination: '0xbeef',
    amount: 10,
    signature: 's',
  });
  const before = {
    head: await rpc(url1, 'light.latest_header'),
    audit: await rpc(url1, 'receipt.audit', { limit: 1000 }),
    gates: await rpc(url1, 'governor.status'),
    treasury: await rpc(url1, 'treasury.balance'),
    op: await rpc(url1, 'tx.status', { operation_id: 'op-keep' }),
    id: await rpc(url1, 'chain.id'),
  };
  await first.stop();
  expect(existsSync(path.join(dataDir, 'devnet-state.json'))).toBe(true);

  const second = await start();
  try {
    const url2 = second.urls.devnet!;
    expect(await rpc(url2, 'light.latest_header')).toEqual(before.head);
    expect(await rpc(url2, 'chain.id')).toEqual(before.id); // the same chain, not a new one
    expect(await rpc(url2, 'receipt.audit', { limit: 1000 })).toEqual(before.audit);
    expect(await rpc(url2, 'governor.status')).toEqual(before.gates);
    expect(await rpc(url2, 'treasury.balance')).toEqual(before.treasury);
    expect(await rpc(url2, 'tx.status', { operation_id: 'op-keep' })).toEqual(before.op);
    // --fund applies to a new chain only; the pending operation confirms after the restart
    expect((await rpc(url2, 'ledger.balance', { account: '0xme' })).balance).toBe(500);
    await rpc(url2, 'dev.mine', { blocks: 2 });
    expect((await rpc(url2, 'tx.status', { operation_id: 'op-keep' })).status).toBe('confirmed');
  } finally {
    await second.stop();
  }
});
