/**
 * The alerts store behind the console's alerts panel, on a real Redis: Alertmanager's webhook
 * notifications (firing, repeats, resolved, late deliveries, new episodes) become one current
 * state per alert and a history of changes.
 */
import { randomUUID } from 'node:crypto';
import { alertmanagerWebhookSchema, connectRedis, createAlertStore, type AlertmanagerWebhook, type RedisClient } from '../src';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let redis: RedisClient;
const prefix = `test:alerts:${randomUUID()}`;

beforeAll(async () => {
  redis = await connectRedis(REDIS_URL);
});
afterAll(async () => {
  await redis.del([`${prefix}:current`, `${prefix}:firing`, `${prefix}:resolved`, `${prefix}:history`]);
  redis.destroy();
});

const notification = (
  status: 'firing' | 'resolved',
  startsAt: string,
  over: Partial<AlertmanagerWebhook['alerts'][number]> = {},
): AlertmanagerWebhook =>
  alertmanagerWebhookSchema.parse({
    version: '4',
    status,
    receiver: 'blockops-console',
    alerts: [
      {
        status,
        labels: { alertname: 'ReceiptPollerStalled', severity: 'critical', service: 'worker' },
        annotations: { summary: 'stalled', description: 'no batch', runbook_url: 'docs/runbooks/ReceiptPollerStalled.md' },
        startsAt,
        endsAt: status === 'resolved' ? '2026-11-25T10:05:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus/graph',
        fingerprint: 'abc123',
        ...over,
      },
    ],
  });

test('firing, repeated, resolved, delivered late, fired again', async () => {
  const store = createAlertStore(redis, prefix);
  const first = '2026-11-25T10:00:00Z';

  expect(await store.record(notification('firing', first))).toBe(1);
  expect(await store.record(notification('firing', first))).toBe(1); // a repeat refreshes it, adds no history
  const firing = await store.firing();
  expect(firing).toEqual([
    expect.objectContaining({
      fingerprint: 'abc123',
      name: 'ReceiptPollerStalled',
      status: 'firing',
      severity: 'critical',
      summary: 'stalled',
      runbookUrl: 'docs/runbooks/ReceiptPollerStalled.md',
      startsAt: first,
    }),
  ]);
  expect(firing[0]!.endsAt).toBeUndefined();
  expect((await store.history(10)).map((h) => h.status)).toEqual(['firing']);

  expect(await store.record(notification('resolved', first))).toBe(1);
  expect(await store.firing()).toEqual([]);
  // a retried "firing" of the same episode arriving after its resolution changes nothing
  expect(await store.record(notification('firing', first))).toBe(0);
  expect(await store.firing()).toEqual([]);
  expect((await store.history(10)).map((h) => h.status)).toEqual(['resolved', 'firing']);
  expect((await store.history(10))[0]!.endsAt).toBe('2026-11-25T10:05:00Z');

  // a new episode of the same alert fires again
  expect(await store.record(notification('firing', '2026-11-25T11:00:00Z'))).toBe(1);
  expect((await store.firing()).map((a) => a.startsAt)).toEqual(['2026-11-25T11:00:00Z']);
  expect((await store.history(10)).map((h) => h.status)).toEqual(['firing', 'resolved', 'firing']);
});

test('a notification that is not Alertmanager webhook payload version 4 is refused with the field named', () => {
  const bad = alertmanagerWebhookSchema.safeParse({
    version: '3',
    status: 'firing',
    receiver: 'x',
    alerts: [{ status: 'firing', labels: {} }],
  });
  expect(bad.success).toBe(false);
  const paths = bad.error!.issues.map((i) => i.path.join('.'));
  expect(paths).toEqual(expect.arrayContaining(['version', 'alerts.0.labels', 'alerts.0.startsAt', 'alerts.0.fingerprint']));
});
