import type { ErrorClass } from '@blockops/domain';
import { ChainError, type ChainClient, type DisbursementIntent } from '@blockops/chain';
import type { ClaimedItem, ItemResult } from '@blockops/treasury';
import { signIntent } from './sign';

/** One item's answer with the bounded reason for metrics. */
export interface Answer {
  result: ItemResult;
  /** for errors: the ChainError's reason (insufficient_balance, unavailable, …) */
  reason?: string;
}

export interface Submission {
  answers: Answer[];
  requestFailures: { errorClass: ErrorClass; reason: string }[];
}

/** "treasury.submit_disbursement: invalid destination: …" → "invalid destination: …" */
const readable = (err: ChainError) => err.message.replace(/^(treasury\.submit_disbursement|batch\(\d+\)): /, '');
const kindOf = (c: ErrorClass) => (c === 'cancelled' ? 'C' : c === 'storage' ? 'F' : 'T');

function toIntent(item: ClaimedItem): DisbursementIntent {
  const unsigned = {
    disbursement_id: item.id,
    executor: item.executor,
    nonce: item.nonce,
    destination: item.destination,
    amount: item.units,
    ...(item.chainMemo !== undefined ? { memo: item.chainMemo } : {}),
  };
  return { ...unsigned, signature: signIntent(unsigned) };
}

/**
 * An upper bound of an intent's bytes as sent: the JSON-RPC envelope, id and field names, the
 * amount as its decimal string ("0.000001": at most one more than its digits, or 8), the nonce's
 * digits, and the strings; ids, executors, destinations and signatures are ASCII that JSON does not
 * escape, so only the memo is measured as JSON.
 */
const ENVELOPE_BYTES = 240;
function sentBytes(i: DisbursementIntent, memoBytes: (memo: string) => number): number {
  return (
    ENVELOPE_BYTES +
    i.disbursement_id.length +
    i.executor.length +
    String(i.nonce).length +
    i.destination.length +
    Math.max(i.amount.toString().length, 7) +
    1 +
    i.signature.length +
    (i.memo === undefined ? 0 : memoBytes(i.memo))
  );
}
const memoAsJson = (memo: string) => Buffer.byteLength(JSON.stringify(memo));
/** Above the memo's JSON bytes without encoding it: an escaped UTF-16 unit takes at most 6 bytes, plus the quotes. */
const memoBound = (memo: string) => memo.length * 6 + 2;

/** Groups intents into requests of at most `maxBytes` (the node's body limit), in order. */
function split(intents: DisbursementIntent[], maxBytes: number): DisbursementIntent[][] {
  // most rounds fit one request, which a bound settles without encoding a memo
  let bound = 2;
  for (const intent of intents) bound += sentBytes(intent, memoBound);
  if (bound <= maxBytes) return intents.length ? [intents] : [];
  const groups: DisbursementIntent[][] = [];
  let group: DisbursementIntent[] = [];
  let bytes = 2;
  for (const intent of intents) {
    const size = sentBytes(intent, memoAsJson);
    if (group.length && bytes + size > maxBytes) {
      groups.push(group);
      group = [];
      bytes = 2;
    }
    group.push(intent);
    bytes += size;
  }
  if (group.length) groups.push(group);
  return groups;
}

/**
 * Sends the items (each on its own executor, so their order does not matter) in JSON-RPC batch
 * requests of at most `maxBytes`, concurrently, and classifies every answer: executed, cancelled
 * (business refusal), failed (storage-class) or transient (retried with the same nonce). A request
 * that fails whole (timeout, refused, 5xx) leaves its items transient: the node may or may not have
 * them, and resending the same (id, executor, nonce) is answered with the first result.
 */
export async function submitItems(
  chain: Pick<ChainClient, 'treasury'>,
  items: ClaimedItem[],
  opts: { maxBytes: number; timeoutMs?: number },
): Promise<Submission> {
  const groups = split(items.map(toIntent), opts.maxBytes);
  const requestFailures: Submission['requestFailures'] = [];
  const perGroup = await Promise.all(
    groups.map(async (group): Promise<Answer[]> => {
      try {
        const outcomes = await chain.treasury.submitDisbursements(group, { timeoutMs: opts.timeoutMs });
        return outcomes.map((o, i) => {
          const id = group[i]!.disbursement_id;
          if (o.ok) return { result: { id, kind: 'E', txHash: o.result.tx_hash, units: group[i]!.amount } };
          const kind = kindOf(o.error.errorClass);
          const text = readable(o.error);
          return {
            result: kind === 'T' ? { id, kind, error: text } : { id, kind, reason: text },
            reason: o.error.reason,
          };
        });
      } catch (err) {
        if (!(err instanceof ChainError)) throw err;
        requestFailures.push({ errorClass: err.errorClass, reason: err.reason });
        const kind = kindOf(err.errorClass);
        const text = readable(err);
        return group.map((g) => ({
          result: kind === 'T' ? { id: g.disbursement_id, kind, error: text } : { id: g.disbursement_id, kind, reason: text },
          reason: err.reason,
        }));
      }
    }),
  );
  return { answers: perGroup.flat(), requestFailures };
}
