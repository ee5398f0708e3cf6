export {
  createAccountingStore,
  type AccountingStore,
  type AccountingStoreOptions,
  type ApplyResult,
  type PositionSummary,
} from './accounting-store';
export type { ReceiptBatch, SeriesPoint } from './apply-batch';
export { createOperationsStore, type OperationsStore, type OperationRecord } from './operations-store';
export { luaScript, type LuaScript } from './lua';
