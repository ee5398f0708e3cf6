import type { AccountingStore } from '@blockops/accounts';

/**
 * Test-only fault points for the crash tests, off unless their variable is set (README lists
 * them under "Test-only variables"). BLOCKOPS_TEST_HOLD_AFTER_APPLY_MS: after a batch is applied
 * to the store, the activity waits this long before it can complete — so a test can kill the
 * worker between "applied" and "acknowledged" by watching the checkpoint move.
 */
export function withTestHooks(store: AccountingStore, env: Record<string, string | undefined> = process.env): AccountingStore {
  const hold = Number(env.BLOCKOPS_TEST_HOLD_AFTER_APPLY_MS ?? 0);
  if (!(hold > 0)) return store;
  return {
    ...store,
    async applyBatch(batch) {
      const result = await store.applyBatch(batch);
      if (result.applied) await new Promise((r) => setTimeout(r, hold));
      return result;
    },
  };
}
