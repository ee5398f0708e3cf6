import type { ChainClient } from './client';
import { ChainError } from './errors';
import type { CallOptions } from './transport';

/** JSON-RPC "invalid params": a node older than a param we send refuses it so. */
const INVALID_PARAMS = -32602;

/**
 * The last nonce the node accepted from each executor whose name starts with `prefix` (a pool's
 * executors: the node may know thousands of others). A node that does not take the filter (invalid
 * params) answers for every executor; the caller keeps its own.
 */
export async function executorNonces(
  chain: Pick<ChainClient, 'treasury'>,
  prefix: string,
  call?: CallOptions,
): Promise<Record<string, number>> {
  try {
    return (await chain.treasury.balance({ executorPrefix: prefix }, call)).nonces;
  } catch (err) {
    if (err instanceof ChainError && err.rpcCode === INVALID_PARAMS) return (await chain.treasury.balance({}, call)).nonces;
    throw err;
  }
}
