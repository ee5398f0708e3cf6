export { ChainError, classifyRpcCode } from './errors';
export {
  createChainClient,
  type ChainClient,
  type ReceiptAuditParams,
  type SubmitParams,
  type DisbursementIntent,
  type FaultParams,
} from './client';
export type { ChainClientOptions, CallOptions } from './transport';
export * from './schemas';
