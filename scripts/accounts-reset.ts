/**
 * `npm run accounts:reset -- --yes`: deletes the accounting state under ACCOUNTS_PREFIX (balance,
 * positions, history, P&L series, reservations, the operations index and the chain it belongs to),
 * so the next worker start accounts the node's chain from its first block. What a worker refusing
 * "accounting state … belongs to chain X, but the node serves chain Y" asks for. Without --yes it
 * only says what it would delete.
 */
import { loadConfig, exitOnStartupError } from '@blockops/config';
import { connectRedis } from '@blockops/events';
import { createAccountingStore } from '@blockops/accounts';

async function main() {
  const config = loadConfig();
  const redis = await connectRedis(config.REDIS_URL);
  try {
    const store = createAccountingStore({ redis, prefix: config.ACCOUNTS_PREFIX, startingBalance: config.TB_STARTING_BALANCE });
    const [identity, { checkpoint }] = await Promise.all([store.chainIdentity(), store.position()]);
    let keys = 0;
    for await (const found of redis.scanIterator({ MATCH: `${config.ACCOUNTS_PREFIX.replace(/[*?[\]\\]/g, '\\$&')}:*`, COUNT: 1000 }))
      keys += (found as unknown as string[]).length;
    const what =
      `${keys} keys under ACCOUNTS_PREFIX "${config.ACCOUNTS_PREFIX}" at ${config.REDIS_URL}: accounting at height ${checkpoint}` +
      (identity ? ` of chain ${identity.chainId || '(unnamed)'} (genesis ${identity.genesisHash})` : '');
    if (!process.argv.includes('--yes')) {
      console.log(`accounts:reset would delete ${what}.\nStop the workers first, then run: npm run accounts:reset -- --yes`);
      process.exitCode = 1;
      return;
    }
    await store.reset();
    console.log(`accounts:reset deleted ${what}. The next worker start accounts the node's chain from its first block.`);
  } finally {
    redis.destroy();
  }
}

main().catch(exitOnStartupError('accounts:reset'));
