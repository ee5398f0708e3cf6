export { createAccountingStore, type AccountingStore, type AccountingStoreOptions, type ApplyResult, type Reservation, type SeriesPoint } from './accounting-store';
export { createOperationsStore, OPERATION_STATUSES, type OperationsStore, type OperationRecord, type OperationRecordStatus } from './operations-store';
