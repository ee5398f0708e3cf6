import { OPERATION_STATUSES, type Market, type OperationStatus, type Units } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { STORE_FORMAT, unitsIn } from './codec';
import { accountingKeys } from './keys';

export interface OperationRecord {
  operationId: string;
  workflowId: string;
  market: Market;
  estimatedCost: Units;
  units?: number;
  status: OperationStatus;
  txHash?: string;
  blockHeight?: number;
  actualCost?: Units;
  reason?: string;
  /** ms since the epoch */
  submittedAt: number;
  updatedAt: number;
}

/** Redis keys of the operations index: one hash of records, one sorted set per status. */
export function operationsKeys(prefix: string) {
  return { records: `${prefix}:ops`, byStatus: (s: OperationStatus) => `${prefix}:ops:${s}` };
}

/** A record as stored: amounts as integer unit strings (codec.ts). */
const encodeRecord = (r: OperationRecord) =>
  JSON.stringify({ ...r, estimatedCost: r.estimatedCost.toString(), actualCost: r.actualCost?.toString() });

function decodeRecord(json: string, key: string): OperationRecord {
  const { estimatedCost, actualCost, ...rest } = JSON.parse(json) as Record<keyof OperationRecord, unknown> & OperationRecord;
  const r: OperationRecord = { ...rest, estimatedCost: unitsIn(estimatedCost, `${key} ${rest.operationId} estimatedCost`) };
  if (actualCost !== undefined) r.actualCost = unitsIn(actualCost, `${key} ${rest.operationId} actualCost`);
  return r;
}

/** Closed operations kept per status; pending ones are never trimmed. */
const KEEP_CLOSED = 10_000;

/**
 * The operations index behind /api/operations/pending and /confirmed: one hash of records and a
 * sorted set (by time) per status. Written by the operation workflow's activities; a record moves
 * between sets in one MULTI, so it is never listed twice or lost between lists.
 */
export function createOperationsStore(opts: { redis: RedisClient; prefix: string }) {
  const { redis, prefix } = opts;
  const { records, byStatus } = operationsKeys(prefix);
  const stateKey = accountingKeys(prefix).state;

  async function get(operationId: string): Promise<OperationRecord | undefined> {
    const raw = await redis.hGet(records, operationId);
    return raw ? decodeRecord(raw, records) : undefined;
  }

  return {
    get,
    async put(record: OperationRecord): Promise<void> {
      const m = redis.multi();
      for (const s of OPERATION_STATUSES) if (s !== record.status) m.zRem(byStatus(s), record.operationId);
      m.zAdd(byStatus(record.status), { score: record.updatedAt, value: record.operationId });
      m.hSet(records, record.operationId, encodeRecord(record));
      // the records share the prefix's store format (format.ts)
      m.hSetNX(stateKey, 'format', STORE_FORMAT);
      if (record.status !== 'SUBMITTED') m.zRemRangeByRank(byStatus(record.status), 0, -KEEP_CLOSED - 1);
      await m.exec();
    },
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
      const sets = (typeof statuses === 'string' ? [statuses] : [...statuses]).map(byStatus);
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
      const raws = ids.length ? await redis.hmGet(records, ids) : [];
      return { items: raws.flatMap((r) => (r ? [decodeRecord(r, records)] : [])), total };
    },
    /** How many operations wait for their receipt, and when the longest-waiting one was submitted (ms). */
    async pendingSummary(): Promise<{ count: number; oldestSubmittedAt?: number }> {
      const [count, oldest] = await Promise.all([redis.zCard(byStatus('SUBMITTED')), redis.zRange(byStatus('SUBMITTED'), 0, 0)]);
      const record = oldest[0] ? await get(oldest[0]) : undefined;
      return { count, oldestSubmittedAt: record?.submittedAt };
    },
    async counts(): Promise<Record<OperationStatus, number>> {
      const n = await Promise.all(OPERATION_STATUSES.map((s) => redis.zCard(byStatus(s))));
      return Object.fromEntries(OPERATION_STATUSES.map((s, i) => [s, n[i] ?? 0])) as Record<OperationStatus, number>;
    },
  };
}
export type OperationsStore = ReturnType<typeof createOperationsStore>;
