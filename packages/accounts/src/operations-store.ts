import { OPERATION_STATUSES, type OperationStatus } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { accountingKeys, operationKeys } from './keys';
import {
  confirmedByCharge,
  decodeCharge,
  decodeRecord,
  encodeRecord,
  isUnchargedEnd,
  type OperationCharge,
  type OperationRecord,
} from './operation-records';
import { operationCasScript } from './scripts';

export type { OperationRecord } from './operation-records';

/** Closed operations kept per status; pending ones are never trimmed. */
const KEEP_CLOSED = 10_000;
/** A compare-and-set that keeps losing to concurrent writers is a bug or a storm: give up and let the caller retry. */
const MAX_CAS_ATTEMPTS = 50;

/**
 * The operations index behind /api/operations/*: one hash of records and a sorted set (by time)
 * per status, plus the charges booked from receipts. Every write is a compare-and-set of the
 * record (and of the charge when the new record depends on it), so a receipt applied by the poller
 * and an operation closing at the same moment cannot overwrite each other: an operation never
 * ends EXPIRED, FAILED or REJECTED over a charge the chain booked.
 */
export function createOperationsStore(opts: { redis: RedisClient; prefix: string }) {
  const { redis, prefix } = opts;
  const keys = operationKeys(prefix);
  const scriptKeys = [keys.records, keys.charges, ...keys.statusSets, accountingKeys(prefix).state];

  async function read(operationId: string): Promise<{ raw: string; chargeRaw: string }> {
    const [raw, chargeRaw] = (await redis.multi().hGet(keys.records, operationId).hGet(keys.charges, operationId).exec()) as unknown as [
      string | null,
      string | null,
    ];
    return { raw: raw ?? '', chargeRaw: chargeRaw ?? '' };
  }

  /**
   * Writes `next(current, charge)` if neither changed meanwhile (else reads again and retries);
   * `undefined` from `next` writes nothing. Returns the record as stored afterwards.
   */
  async function transition(
    operationId: string,
    next: (current: OperationRecord | undefined, charge: OperationCharge | undefined) => OperationRecord | undefined,
  ): Promise<OperationRecord | undefined> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const { raw, chargeRaw } = await read(operationId);
      const current = raw ? decodeRecord(raw, keys.records) : undefined;
      const record = next(current, chargeRaw ? decodeCharge(chargeRaw, keys.charges) : undefined);
      if (!record) return current;
      const args = [operationId, raw, chargeRaw, encodeRecord(record), record.status, String(record.updatedAt), String(KEEP_CLOSED)];
      if ((await operationCasScript(redis, scriptKeys, args)) === 1) return record;
    }
    throw new Error(`operation ${operationId}: its record kept changing during ${MAX_CAS_ATTEMPTS} attempts to update it`);
  }

  return {
    get: async (operationId: string): Promise<OperationRecord | undefined> => {
      const raw = await redis.hGet(keys.records, operationId);
      return raw ? decodeRecord(raw, keys.records) : undefined;
    },
    charge: async (operationId: string): Promise<OperationCharge | undefined> => {
      const raw = await redis.hGet(keys.charges, operationId);
      return raw ? decodeCharge(raw, keys.charges) : undefined;
    },
    transition,
    /** Stores the record as given (a new or resubmitted operation). */
    put: (record: OperationRecord) => transition(record.operationId, () => record),
    /**
     * Closes an operation with the record `close(current)` builds: EXPIRED, FAILED or REJECTED
     * becomes CONFIRMED when a receipt has already charged it (the record then says what the chain
     * booked); a CONFIRMED record gets the charging receipt's id. Returns the record as stored.
     */
    settle: async (operationId: string, close: (current: OperationRecord | undefined) => OperationRecord): Promise<OperationRecord> =>
      (await transition(operationId, (current, charge) => {
        const record = close(current);
        if (!charge) return record;
        if (isUnchargedEnd(record.status)) return confirmedByCharge(record, charge, record.updatedAt);
        // a confirmation names the receipt that booked it
        return record.status === 'CONFIRMED' && record.receiptId === undefined ? { ...record, receiptId: charge.receiptId } : record;
      }))!,
    /**
     * Newest first, from one status or several merged by time (`/api/operations/closed` lists
     * EXPIRED, REJECTED and FAILED together); `total` counts them all.
     */
    async list(
      statuses: OperationStatus | readonly OperationStatus[],
      q: { limit: number; offset: number },
    ): Promise<{ items: OperationRecord[]; total: number }> {
      if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 1000) throw new RangeError('limit must be an integer from 1 to 1000');
      if (!Number.isInteger(q.offset) || q.offset < 0) throw new RangeError('offset must be an integer ≥ 0');
      const sets = (typeof statuses === 'string' ? [statuses] : [...statuses]).map(keys.byStatus);
      let ids: string[];
      if (sets.length === 1) {
        ids = await redis.zRange(sets[0]!, q.offset, q.offset + q.limit - 1, { REV: true });
      } else {
        // each set's newest offset+limit, merged by time: the page of the union
        const heads = await Promise.all(sets.map((k) => redis.zRangeWithScores(k, 0, q.offset + q.limit - 1, { REV: true })));
        ids = heads
          .flat()
          .sort((a, b) => b.score - a.score || (a.value < b.value ? -1 : 1))
          .slice(q.offset, q.offset + q.limit)
          .map((e) => e.value);
      }
      const total = (await Promise.all(sets.map((k) => redis.zCard(k)))).reduce((a, b) => a + b, 0);
      const raws = ids.length ? await redis.hmGet(keys.records, ids) : [];
      return { items: raws.flatMap((r) => (r ? [decodeRecord(r, keys.records)] : [])), total };
    },
    /** How many operations wait for their receipt, and when the longest-waiting one was submitted (ms). */
    async pendingSummary(): Promise<{ count: number; oldestSubmittedAt?: number }> {
      const [count, oldest] = await Promise.all([redis.zCard(keys.byStatus('SUBMITTED')), redis.zRange(keys.byStatus('SUBMITTED'), 0, 0)]);
      const raw = oldest[0] ? await redis.hGet(keys.records, oldest[0]) : undefined;
      const record = raw ? decodeRecord(raw, keys.records) : undefined;
      return { count, oldestSubmittedAt: record?.submittedAt };
    },
    async counts(): Promise<Record<OperationStatus, number>> {
      const n = await Promise.all(OPERATION_STATUSES.map((s) => redis.zCard(keys.byStatus(s))));
      return Object.fromEntries(OPERATION_STATUSES.map((s, i) => [s, n[i] ?? 0])) as Record<OperationStatus, number>;
    },
  };
}
export type OperationsStore = ReturnType<typeof createOperationsStore>;
