export {
  createAccountingStore,
  type AccountingStore,
  type AccountingStoreOptions,
  type ApplyResult,
  type PositionSummary,
} from './accounting-store';
export type { ReceiptBatch, SeriesPoint } from './apply-batch';
export type { Reservation } from './reservations';
export {
  createOperationsStore,
  OPERATION_STATUSES,
  type OperationsStore,
  type OperationRecord,
  type OperationRecordStatus,
} from './operations-store';
