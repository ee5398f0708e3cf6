/**
 * JSON-RPC error codes. Standard ones, then application codes chosen so a client can classify
 * every failure by code alone (packages/chain maps them to transient / cancelled / storage).
 */
export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  // transient: try again later
  UNAVAILABLE: -32000,
  // cancelled: a business rejection of this item
  INSUFFICIENT_BALANCE: -33001,
  NONCE_CONFLICT: -33002,
  INVALID_DESTINATION: -33003,
  GATE_CLOSED: -33004,
  // storage: fatal, an operator must act
  STORAGE_FAILURE: -34001,
} as const;

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}
