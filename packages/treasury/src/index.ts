export { createTreasuryStore, type TreasuryStore, type TreasuryStoreOptions } from './store';
export { treasuryKeys, type TreasuryKeys } from './keys';
export { MAX_BATCH_TOTAL_UNITS, type IntakeResult } from './intake';
export type { Claim, ClaimedItem, ItemResult, RecordOutcome, ExecutorPool } from './execution';
export type { Throttle } from './throttle';
export type { BatchGraph, BatchSummaryCore, ChangedItem, DisbursementItem, StatusCounts } from './views';
export { acceptBatch, type AcceptOutcome } from './accept-batch';
export { STORE_LAYOUT } from './store-layout';
