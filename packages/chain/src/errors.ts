import { ClassifiedError, type ErrorClass } from '@blockops/domain';

/** A failed call to The Block node, classified per the taxonomy (DESIGN.md §4). */
export class ChainError extends ClassifiedError {
  constructor(
    message: string,
    errorClass: ErrorClass,
    reason: string,
    readonly method: string,
    readonly rpcCode?: number,
    readonly httpStatus?: number,
    /** the JSON-RPC error's data, e.g. {need, available} or {market, state, reason} */
    readonly data?: unknown,
  ) {
    super(message, errorClass, reason);
  }
}

/**
 * Error class from the JSON-RPC code alone (a real node sends no class): -32000…-32099 server
 * errors are transient; invalid params and the -33xxx business codes (insufficient balance, nonce
 * conflict, invalid destination, gate closed) cancel the item; everything else — method not found,
 * malformed request, -34xxx storage failures — is fatal.
 */
export function classifyRpcCode(code: number): ErrorClass {
  if (code <= -32000 && code >= -32099) return 'transient';
  if (code === -32602 || (code <= -33000 && code > -34000)) return 'cancelled';
  return 'storage';
}

/** Bounded reason labels for the business codes (safe as metric labels). */
const REASONS: Record<number, string> = {
  [-32602]: 'invalid_params',
  [-33001]: 'insufficient_balance',
  [-33002]: 'nonce_conflict',
  [-33003]: 'invalid_destination',
  [-33004]: 'gate_closed',
  [-34001]: 'storage_failure',
};
export const reasonForCode = (code: number) => REASONS[code] ?? (classifyRpcCode(code) === 'transient' ? 'unavailable' : `rpc_${code}`);
