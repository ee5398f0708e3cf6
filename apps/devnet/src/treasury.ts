import { createHash } from 'node:crypto';
import { z } from 'zod';
import { cents, type ChainState, type Disbursement } from './chain-state';
import { obj, parse } from './params';
import { RPC, RpcError } from './rpc-errors';

const DESTINATION = /^0x[0-9a-fA-F]{4,64}$/;
const MEMO_LIMIT = 1024;

const submitParams = obj({
  disbursement_id: z.string().min(1).max(128),
  executor: z.string().min(1).max(128),
  nonce: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  destination: z.string().max(200),
  amount: z.number().positive().max(1e15),
  memo: z
    .string()
    .refine((m) => Buffer.byteLength(m) <= MEMO_LIMIT, `must be at most ${MEMO_LIMIT} bytes`)
    .optional(),
  signature: z.string().min(1).max(1024),
});

const result = (d: Disbursement) => ({
  tx_hash: d.tx_hash,
  disbursement_id: d.disbursement_id,
  nonce: d.nonce,
  block_height: d.block_height,
  status: d.status,
});

/**
 * The treasury: executes signed disbursement intents at once. Per executor, nonces must rise;
 * resubmitting the same disbursement with the same nonce is answered with the first result (a
 * client that lost the answer can retry). The signature is required but not verified: the devnet
 * has no key registry.
 */
export function createTreasuryMethods(chain: ChainState) {
  return {
    'treasury.balance': () => ({ balance: chain.treasury.balance, nonces: chain.treasury.nonces }),
    'treasury.submit_disbursement': (params: unknown) => {
      const p = parse(submitParams, params);
      const t = chain.treasury;
      const existing = t.disbursements.get(p.disbursement_id);
      if (existing) {
        if (existing.nonce === p.nonce && existing.executor === p.executor) return result(existing);
        throw new RpcError(
          RPC.NONCE_CONFLICT,
          `nonce conflict: disbursement ${p.disbursement_id} was already executed with nonce ${existing.nonce}`,
          {
            nonce: p.nonce,
            last_nonce: t.nonces[p.executor] ?? 0,
          },
        );
      }
      if (!DESTINATION.test(p.destination) || /^0x0+$/.test(p.destination)) {
        throw new RpcError(
          RPC.INVALID_DESTINATION,
          `invalid destination: ${p.destination.slice(0, 80)} (must be 0x and 4–64 hex digits, not the zero address)`,
          {
            destination: p.destination.slice(0, 200),
          },
        );
      }
      const last = t.nonces[p.executor] ?? 0;
      if (p.nonce <= last)
        throw new RpcError(RPC.NONCE_CONFLICT, `nonce conflict: nonce ${p.nonce} is not above the last nonce ${last} of ${p.executor}`, {
          nonce: p.nonce,
          last_nonce: last,
        });
      if (p.amount > t.balance) {
        throw new RpcError(RPC.INSUFFICIENT_BALANCE, `insufficient treasury balance: need ${p.amount}, have ${t.balance}`, {
          need: p.amount,
          available: t.balance,
        });
      }
      const d: Disbursement = {
        disbursement_id: p.disbursement_id,
        executor: p.executor,
        nonce: p.nonce,
        destination: p.destination,
        amount: p.amount,
        memo: p.memo ?? null,
        tx_hash: `0x${createHash('sha256').update(`${p.executor}:${p.nonce}:${p.disbursement_id}`).digest('hex')}`,
        block_height: chain.height,
        status: 'executed',
      };
      t.balance = cents(t.balance - p.amount);
      t.nonces[p.executor] = p.nonce;
      t.disbursements.set(d.disbursement_id, d);
      chain.changed();
      return result(d);
    },
  };
}
