import { DISBURSEMENT_STATUSES } from '@blockops/domain';

/**
 * Redis keys of the treasury store, all under one prefix (TREASURY_PREFIX). The Lua scripts build
 * the same names from the prefix (`P`), so the two must stay in step: see `LIB` in scripts.ts.
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
    /** batch ids not yet completed, by creation time (ms): what the start checks and the throttle read */
    running: `${prefix}:running`,
    /** batch hash: meta, counts per status, amounts (units), timings */
    batch,
    /** item ids in batch order */
    order: (b: string) => `${batch(b)}:order`,
    ready: (b: string) => `${batch(b)}:ready`,
    /** set once a retry or resume replayed a chunk: the chunk claims nothing new after it (claim script) */
    chunkReplayed: (b: string, chunk: number) => `${batch(b)}:c:${chunk}:replayed`,
    /** set when a chunk's attempt ended with its events published (a retry or resume reads and clears it) */
    chunkEnded: (b: string, chunk: number) => `${batch(b)}:c:${chunk}:ended`,
    /** id → the full memo when longer than the chain memo (up to 8 KiB; the ':it' entry keeps the 1,024-byte chain memo) */
    memos: (b: string) => `${batch(b)}:memo`,
    /** id → 'idx dest units level deps dn chainMemo' of a batch's items, written at intake, never changed (item-entry.ts) */
    items: (b: string) => `${batch(b)}:it`,
    /** id → 'status executor nonce claim claimedAt attempts at' once an item is claimed or changes (state-entry.ts); none = QUEUED, never claimed */
    states: (b: string) => `${batch(b)}:st`,
    /** id → tx hash of an EXECUTED item */
    txs: (b: string) => `${batch(b)}:tx`,
    /** id → 'rootCause reason' of a CANCELLED or FAILED item (root cause '' for an item the node refused itself) */
    reasons: (b: string) => `${batch(b)}:why`,
    /** id → the last transient error of an item still being retried */
    errors: (b: string) => `${batch(b)}:err`,
    /** id → 1 for items with dependents in later batches (their ':dn' set) */
    laterDependents: (b: string) => `${batch(b)}:xdn`,
    /** the per-status sets of layouts before 4 (store-layout.ts drops them; the finish script too, naming them alike) */
    legacyStatusSets: (b: string) => DISBURSEMENT_STATUSES.map((st) => `${batch(b)}:s:${st}`),
    /** remaining dependencies per QUEUED item (dropped when the batch completes) */
    remaining: (b: string) => `${batch(b)}:rem`,
    /** id → batch of every item */
    itemBatch: `${prefix}:ib`,
    /** a hash per item: the layout before per-batch state (store-layout.ts moves it into its batch's hashes) */
    item,
    /** dependents of an item in later batches, as '<batchId> <id>' */
    dependents: (id: string) => `${item(id)}:dn`,
    /** which layout the store's items are in (store-layout.ts) */
    layout: `${prefix}:layout`,
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
