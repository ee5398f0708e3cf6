import { createHash } from 'node:crypto';
import { z } from 'zod';
import { formatUnits, unitsFromJsonNumber, unitsOrProblem, type Units } from '@blockops/domain';
import type { ChainState, Disbursement } from './chain-state';
import { obj, parse } from './params';
import { RPC, RpcError } from './rpc-errors';

const DESTINATION = /^0x[0-9a-fA-F]{4,64}$/;
const MEMO_LIMIT = 1024;
const MAX_LIST = 10_000;

/** An amount as a decimal string ("12.34", exact) or a JSON number, turned into exact units; never rounded. */
const amount = (opts: { positive: boolean }) =>
  z.union([z.number(), z.string().max(40)]).transform((v, ctx): Units => {
    let u: Units | string;
    if (typeof v === 'number') {
      try {
        u = unitsFromJsonNumber(v);
      } catch (err) {
        u = (err as Error).message.replace(/^amount /, '');
      }
    } else u = unitsOrProblem(v);
    if (typeof u === 'string') ctx.addIssue({ code: 'custom', message: u });
    else if (opts.positive && u <= 0n) ctx.addIssue({ code: 'custom', message: 'must be greater than 0' });
    return typeof u === 'string' ? 0n : u;
  });

const submitParams = obj({
  disbursement_id: z.string().min(1).max(128),
  executor: z.string().min(1).max(128),
  nonce: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  destination: z.string().max(200),
  amount: amount({ positive: true }),
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
 * The treasury: executes signed disbursement intents at once. Per executor, nonces must rise: a
 * later nonce accepted first turns an earlier one into a nonce conflict. Resubmitting the same
 * disbursement with the same executor and nonce is answered with the first result (a client that
 * lost the answer can retry). The balance is exact (units); every debit is logged in order
 * (`dev.treasury_payments`). The signature is required but not verified: the devnet has no key registry.
 */
export function createTreasuryMethods(chain: ChainState) {
  const t = chain.treasury;
  return {
    // executor_prefix: only those executors' nonces (a client syncing its own pool need not read every executor's)
    'treasury.balance': (params: unknown) => {
      const p = parse(obj({ executor_prefix: z.string().max(128).optional() }), params ?? {});
      const prefix = p.executor_prefix;
      const nonces = prefix === undefined ? t.nonces : Object.fromEntries(Object.entries(t.nonces).filter(([e]) => e.startsWith(prefix)));
      return { balance: formatUnits(t.balance), nonces };
    },
    'treasury.submit_disbursement': (params: unknown) => {
      const p = parse(submitParams, params);
      const existing = t.disbursements.get(p.disbursement_id);
      if (existing) {
        if (existing.nonce === p.nonce && existing.executor === p.executor) return result(existing);
        throw new RpcError(
          RPC.NONCE_CONFLICT,
          `nonce conflict: disbursement ${p.disbursement_id} was already executed with nonce ${existing.nonce}`,
          { nonce: p.nonce, last_nonce: t.nonces[p.executor] ?? 0 },
        );
      }
      const refused = t.rejected.get(p.destination.toLowerCase());
      if (!DESTINATION.test(p.destination) || /^0x0+$/.test(p.destination) || refused !== undefined) {
        throw new RpcError(
          RPC.INVALID_DESTINATION,
          `invalid destination: ${p.destination.slice(0, 80)} (${refused ?? 'must be 0x and 4–64 hex digits, not the zero address'})`,
          { destination: p.destination.slice(0, 200) },
        );
      }
      const last = t.nonces[p.executor] ?? 0;
      if (p.nonce <= last)
        throw new RpcError(RPC.NONCE_CONFLICT, `nonce conflict: nonce ${p.nonce} is not above the last nonce ${last} of ${p.executor}`, {
          nonce: p.nonce,
          last_nonce: last,
        });
      if (p.amount > t.balance) {
        throw new RpcError(
          RPC.INSUFFICIENT_BALANCE,
          `insufficient treasury balance: need ${formatUnits(p.amount)}, have ${formatUnits(t.balance)}`,
          { need: formatUnits(p.amount), available: formatUnits(t.balance) },
        );
      }
      const d: Disbursement = {
        disbursement_id: p.disbursement_id,
        executor: p.executor,
        nonce: p.nonce,
        destination: p.destination,
        amount: formatUnits(p.amount),
        memo: p.memo ?? null,
        tx_hash: `0x${createHash('sha256').update(`${p.executor}:${p.nonce}:${p.disbursement_id}`).digest('hex')}`,
        block_height: chain.height,
        status: 'executed',
      };
      t.balance -= p.amount;
      t.nonces[p.executor] = p.nonce;
      t.disbursements.set(d.disbursement_id, d);
      t.payments.push({
        seq: t.payments.length + 1,
        disbursement_id: d.disbursement_id,
        executor: d.executor,
        nonce: d.nonce,
        destination: d.destination,
        amount: d.amount,
        tx_hash: d.tx_hash,
        block_height: d.block_height,
      });
      chain.changed();
      return result(d);
    },
  };
}

/** Development methods of the treasury: the payment log ("paid once" is counted here), balance, refused destinations. */
export function createTreasuryDevMethods(chain: ChainState) {
  const t = chain.treasury;
  return {
    'dev.treasury_payments': (params: unknown) => {
      const p = parse(
        obj({
          disbursement_ids: z.array(z.string().min(1).max(128)).max(MAX_LIST, `must hold at most ${MAX_LIST} ids`).optional(),
          executor: z.string().min(1).max(128).optional(),
          offset: z.number().int().nonnegative().default(0),
          limit: z.number().int().min(1).max(MAX_LIST, `must be at most ${MAX_LIST}`).default(1000),
        }),
        params,
      );
      const ids = p.disbursement_ids ? new Set(p.disbursement_ids) : undefined;
      const matching = t.payments.filter((x) => (!ids || ids.has(x.disbursement_id)) && (!p.executor || x.executor === p.executor));
      let paid = 0n;
      for (const x of matching) paid += unitsOrProblem(x.amount) as Units;
      const page = matching.slice(p.offset, p.offset + p.limit);
      return {
        payments: page,
        total: matching.length,
        total_paid: formatUnits(paid),
        next_offset: p.offset + page.length < matching.length ? p.offset + page.length : null,
      };
    },
    'dev.set_treasury': (params: unknown) => {
      const p = parse(obj({ balance: amount({ positive: false }) }), params);
      t.balance = p.balance;
      chain.changed();
      return { balance: formatUnits(t.balance) };
    },
    'dev.reject_destination': (params: unknown) => {
      const p = parse(
        obj({ destination: z.string().min(1).max(200), reason: z.string().max(200).default('refused by dev.reject_destination') }),
        params,
      );
      t.rejected.set(p.destination.toLowerCase(), p.reason);
      chain.changed();
      return { destination: p.destination, reason: p.reason };
    },
  };
}
