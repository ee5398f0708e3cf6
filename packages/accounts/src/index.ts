export {
  createAccountingStore,
  type AccountingStore,
  type AccountingStoreOptions,
  type ApplyResult,
  type PositionSummary,
} from './accounting-store';
export type { ReceiptBatch } from './apply-batch';
export { StoreFormatError, type SeriesPoint } from './codec';
export { ensureStoreFormat } from './format';
export { createOperationsStore, type OperationsStore, type OperationRecord } from './operations-store';
export { luaScript, type LuaScript } from './lua';
