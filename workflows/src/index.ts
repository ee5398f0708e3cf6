// Workflow code only: everything exported here is registered on the worker.
export { networkCheck, type NetworkCheckResult } from './network-check';
export { noop } from './noop';
export { receiptPoller } from './receipt-poller';
export { operation, type OperationResult } from './operation';
export { emergencyController } from './emergency-controller';
export { disburse } from './disburse';
