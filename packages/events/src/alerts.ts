import { z } from 'zod';
import type { RedisClient } from './redis';

/** One alert of an Alertmanager webhook notification (payload version 4). */
export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()).refine((l) => typeof l.alertname === 'string' && l.alertname.length > 0, {
    error: 'labels.alertname is required',
  }),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string().min(1),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).max(64),
});

/** Alertmanager's webhook body (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4', { error: 'version must be "4" (Alertmanager webhook payload)' }),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlertSchema).min(1, 'alerts must not be empty').max(10_000, 'at most 10,000 alerts per notification'),
});
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

/** An alert as the console shows it: its latest known state. */
export interface AlertRecord {
  fingerprint: string;
  name: string;
  status: 'firing' | 'resolved';
  severity?: string;
  summary?: string;
  description?: string;
  runbookUrl?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** set when resolved */
  endsAt?: string;
  generatorURL?: string;
  /** when the console last heard about it */
  receivedAt: string;
}

const KEEP_RESOLVED = 1000;
const HISTORY_MAXLEN = 10_000;

/**
 * KEYS: current (hash fingerprint → record JSON), firing (zset by start), resolved (zset by start),
 *       history (stream)
 * ARGV: fingerprint, status, startsAt ms, record JSON, keep resolved, history max length
 * A late 'firing' for an episode already resolved (same startsAt) is ignored; history gets one
 * entry per change of status or new episode, not one per repeat notification.
 */
const RECORD_SCRIPT = `
local prev = redis.call('HGET', KEYS[1], ARGV[1])
local startsAt = tonumber(ARGV[3])
local changed = true
if prev then
  local p = cjson.decode(prev)
  local same = p.startsAtMs == startsAt
  if ARGV[2] == 'firing' and p.status == 'resolved' and same then return 0 end
  changed = not (same and p.status == ARGV[2])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
if ARGV[2] == 'firing' then
  redis.call('ZADD', KEYS[2], startsAt, ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZADD', KEYS[3], startsAt, ARGV[1])
  local extra = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[5])
  if extra > 0 then
    for _, f in ipairs(redis.call('ZPOPMIN', KEYS[3], extra)) do
      if redis.call('ZSCORE', KEYS[2], f) == false then redis.call('HDEL', KEYS[1], f) end
    end
  end
end
if changed then redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'a', ARGV[4]) end
return 1
`;

export interface AlertStore {
  /** Records a webhook notification; returns how many of its alerts were recorded (a late delivery for an episode already resolved is not). */
  record(notification: AlertmanagerWebhook): Promise<number>;
  /** Firing alerts, most recently started first. */
  firing(): Promise<AlertRecord[]>;
  /** Changes of state (fired, resolved), newest first. */
  history(limit: number): Promise<AlertRecord[]>;
}

/**
 * Alerts that Alertmanager delivered to the console's webhook, in Redis under `prefix`: the
 * current state of each alert, the firing set and a capped history of changes.
 */
export function createAlertStore(redis: RedisClient, prefix: string): AlertStore {
  const keys = [`${prefix}:current`, `${prefix}:firing`, `${prefix}:resolved`, `${prefix}:history`];
  const strip = (r: AlertRecord & { startsAtMs?: number }): AlertRecord => {
    const { startsAtMs: _, ...rest } = r;
    return rest;
  };
  return {
    async record(n) {
      let recorded = 0;
      const receivedAt = new Date().toISOString();
      for (const a of n.alerts) {
        const startsAtMs = Date.parse(a.startsAt);
        if (!Number.isFinite(startsAtMs)) throw new RangeError(`alert ${a.fingerprint}: startsAt is not a time: ${a.startsAt}`);
        const record: AlertRecord & { startsAtMs: number } = {
          fingerprint: a.fingerprint,
          name: a.labels.alertname!,
          status: a.status,
          severity: a.labels.severity,
          summary: a.annotations.summary,
          description: a.annotations.description,
          runbookUrl: a.annotations.runbook_url,
          labels: a.labels,
          annotations: a.annotations,
          startsAt: a.startsAt,
          // Alertmanager sends a future endsAt (its resolve timeout) on firing alerts: keep it only once resolved
          endsAt: a.status === 'resolved' ? a.endsAt : undefined,
          generatorURL: a.generatorURL,
          receivedAt,
          startsAtMs,
        };
        const res = await redis.eval(RECORD_SCRIPT, {
          keys,
          arguments: [a.fingerprint, a.status, String(startsAtMs), JSON.stringify(record), String(KEEP_RESOLVED), String(HISTORY_MAXLEN)],
        });
        if (res === 1) recorded++;
      }
      return recorded;
    },
    async firing() {
      const ids = await redis.zRange(keys[1]!, 0, -1, { REV: true });
      if (ids.length === 0) return [];
      const raws = await redis.hmGet(keys[0]!, ids);
      return raws.flatMap((r) => (r ? [strip(JSON.parse(r))] : []));
    },
    async history(limit) {
      const entries = (await redis.xRevRange(keys[3]!, '+', '-', { COUNT: Math.min(Math.max(1, limit), 1000) })) as {
        id: string;
        message: Record<string, string>;
      }[];
      return entries.map((e) => strip(JSON.parse(e.message.a ?? '{}')));
    },
  };
}
