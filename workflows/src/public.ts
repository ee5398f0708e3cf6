// Types and constants for code outside the sandbox (worker, web). Not loaded into the workflow bundle.
export type { EventSinks, WorkflowEvent, OperationStatus } from './sinks';
export { CORRELATION_HEADER } from './sinks';
export type * from './activity-types';
export type { NetworkCheckResult } from './network-check';
export type { OperationResult } from './operation';
export type { ReceiptPollerState } from './receipt-poller';
export {
  submitUpdate,
  receiptConfirmedSignal,
  operationStatusQuery,
  operationWorkflowId,
  RECEIPT_POLLER_ID,
  type SubmitAnswer,
  type OperationView,
} from './operation-messages';

/** Paths the worker hands to the workflow bundler. */
export const workflowsPath = require.resolve('./index');
export const workflowInterceptorModules = [require.resolve('./interceptors')];
