import { OPERATION_STATUSES, type Market, type OperationStatus } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';

export interface OperationRecord {
  operationId: string;
  workflowId: string;
  market: Market;
  estimatedCost: number;
  units?: number;
  status: OperationStatus;
  txHash?: string;
  blockHeight?: number;
  actualCost?: number;
  reason?: string;
  /** ms since the epoch */
  submittedAt: number;
  updatedAt: number;
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
  const records = `${prefix}:ops`;
  const byStatus = (s: OperationStatus) => `${prefix}:ops:${s}`;

  async function get(operationId: string): Promise<OperationRecord | undefined> {
    const raw = await redis.hGet(records, operationId);
    return raw ? (JSON.parse(raw) as OperationRecord) : undefined;
  }

  return {
    get,
    async put(record: OperationRecord): Promise<void> {
      const m = redis.multi();
      for (const s of OPERATION_STATUSES) if (s !== record.status) m.zRem(byStatus(s), record.operationId);
      m.zAdd(byStatus(record.status), { score: record.updatedAt, value: record.operationId });
      m.hSet(records, record.operationId, JSON.stringify(record));
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
      return { items: raws.flatMap((r) => (r ? [JSON.parse(r) as OperationRecord] : [])), total };
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
