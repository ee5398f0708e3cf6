export { ChainError, type ChainErrorOptions } from './errors';
export {
  createChainClient,
  type ChainClient,
  type ReceiptAuditParams,
  type SubmitParams,
  type DisbursementIntent,
  type DisbursementOutcome,
  type TreasuryPaymentsParams,
  type FaultParams,
} from './client';
export type { ChainClientOptions, CallOptions } from './transport';
export { executorNonces } from './executor-nonces';
export * from './schemas';
