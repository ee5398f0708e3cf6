export * from './schemas';
export * from './stream-id';
export * from './socket';
export { connectRedis, luaScript, type LuaScript, type RedisClient } from './redis';
export { createEventPublisher, type EventPublisher, type PublisherOptions } from './publisher';
export { readRange, firstStreamId, tailStream, type TailOptions } from './reader';
export { createAuditLog, type AuditEntry, type AuditLog } from './audit';
export {
  createAlertStore,
  alertmanagerWebhookSchema,
  alertmanagerAlertSchema,
  type AlertStore,
  type AlertRecord,
  type AlertmanagerWebhook,
} from './alerts';
