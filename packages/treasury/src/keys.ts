/**
 * Redis keys of the treasury store, all under one prefix (TREASURY_PREFIX). The Lua scripts build
 * the same names from the prefix (`P`), so the two must stay in step: see `LUA_KEYS` in scripts.ts.
 * Scripts touch keys they compute (10,000 items per batch), so the store needs one Redis (or a
 * Sentinel pair), not a Cluster.
 */
export function treasuryKeys(prefix: string) {
  const batch = (b: string) => `${prefix}:b:${b}`;
  const item = (id: string) => `${prefix}:i:${id}`;
  return {
    prefix,
    /** every item id ever accepted: ids are never reused */
    ids: `${prefix}:ids`,
    /** batch ids by creation time (ms) */
    batches: `${prefix}:batches`,
    /** batch hash: meta, counts per status, amounts (units), timings */
    batch,
    /** item ids in batch order */
    order: (b: string) => `${batch(b)}:order`,
    /** item ids of one status, scored by their index in the batch */
    byStatus: (b: string, s: string) => `${batch(b)}:s:${s}`,
    ready: (b: string) => `${batch(b)}:ready`,
    /** set once a retry or resume replayed a chunk: the chunk claims nothing new after it (claim script) */
    chunkReplayed: (b: string, chunk: number) => `${batch(b)}:c:${chunk}:replayed`,
    /** set when a chunk's attempt ended with its events published (a retry or resume reads and clears it) */
    chunkEnded: (b: string, chunk: number) => `${batch(b)}:c:${chunk}:ended`,
    /** id → the full memo when longer than the chain memo (up to 8 KiB; the item hash keeps the 1,024-byte chain memo) */
    memos: (b: string) => `${batch(b)}:memo`,
    /** an item's hash, written at its first transition (claim or cancel); until then its batch's `items` entry stands for it */
    item,
    /** id → 'idx dest units level deps dn chainMemo' of a batch's items, written at intake (dropped when the batch completes) */
    items: (b: string) => `${batch(b)}:it`,
    /** id → batch of items whose hash is not yet written (an entry goes when its batch completes) */
    itemBatch: `${prefix}:ib`,
    /** dependents of an item in later batches, as '<batchId> <id>' (its own batch's are the item hash's 'dn' field; items stored before that field existed: all of them) */
    dependents: (id: string) => `${item(id)}:dn`,
    /** memos written before intake commits, renamed into the batch by the intake script */
    staging: (token: string) => `${prefix}:staging:${token}`,
    freeExecutors: `${prefix}:x:free`,
    executorNonces: `${prefix}:x:nonce`,
    executorPool: `${prefix}:x:pool`,
    throttle: `${prefix}:throttle`,
    stats: `${prefix}:stats`,
  };
}
export type TreasuryKeys = ReturnType<typeof treasuryKeys>;
