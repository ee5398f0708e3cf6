import { z } from 'zod';
import type { RedisClient } from './redis';

const auditEntrySchema = z.object({
  id: z.string().optional(),
  timestamp: z.iso.datetime({ offset: true }),
  actor: z.string().min(1),
  action: z.string().min(1),
  target: z.string().optional(),
  reason: z.string().optional(),
  outcome: z.enum(['accepted', 'rejected', 'failed']),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id' | 'timestamp'>): Promise<string>;
  list(opts?: { limit?: number; beforeId?: string }): Promise<AuditEntry[]>;
}

/** Every control action, who did it and why, in an append-only Redis stream (kept uncapped). */
export function createAuditLog(redis: RedisClient, stream: string): AuditLog {
  return {
    async append(entry) {
      const full = auditEntrySchema.parse({ ...entry, timestamp: new Date().toISOString() });
      return redis.xAdd(stream, '*', { a: JSON.stringify(full) });
    },
    async list({ limit = 100, beforeId } = {}) {
      const entries = (await redis.xRevRange(stream, beforeId ? `(${beforeId}` : '+', '-', {
        COUNT: Math.min(limit, 1000),
      })) as { id: string; message: Record<string, string> }[];
      return entries.map((e) => ({ ...(JSON.parse(e.message.a ?? '{}') as AuditEntry), id: e.id }));
    },
  };
}
