export {
  createAccountingStore,
  type AccountingStore,
  type AccountingStoreOptions,
  type ApplyResult,
  type PositionSummary,
} from './accounting-store';
export type { ReceiptBatch } from './apply-batch';
export { ChainMismatchError, type ChainIdentity } from './chain-identity';
export { StoreFormatError, type SeriesPoint } from './codec';
export { ensureStoreFormat } from './format';
export { createOperationsStore, type OperationsStore, type OperationRecord } from './operations-store';
export type { OperationCharge } from './operation-records';
export { luaScript, type LuaScript } from './lua';
