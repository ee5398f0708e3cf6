import { ClassifiedError, type ErrorClass } from '@blockops/domain';

export interface ChainErrorOptions {
  errorClass: ErrorClass;
  /** bounded, machine-readable (a metric label): `timeout`, `unreachable`, `http_5xx`, `auth`, `bad_response`, `gate_closed`, … */
  reason: string;
  /** the JSON-RPC method called, or `batch(n)` */
  method: string;
  rpcCode?: number;
  httpStatus?: number;
  /** the JSON-RPC error's data, e.g. {need, available} or {market, state, reason} */
  data?: unknown;
  cause?: unknown;
}

/** A failed call to The Block node, classified per the taxonomy (DESIGN.md §4). */
export class ChainError extends ClassifiedError {
  readonly method: string;
  readonly rpcCode?: number;
  readonly httpStatus?: number;
  readonly data?: unknown;

  constructor(message: string, opts: ChainErrorOptions) {
    super(message, opts.errorClass, opts.reason, { cause: opts.cause });
    this.method = opts.method;
    this.rpcCode = opts.rpcCode;
    this.httpStatus = opts.httpStatus;
    this.data = opts.data;
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
