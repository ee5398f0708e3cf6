export * from './schemas';
export * from './stream-id';
export * from './socket';
export { connectRedis, luaScript, type LuaScript, type RedisClient } from './redis';
export { createEventPublisher, EVENT_FIELD, type EventPublisher, type PublisherOptions } from './publisher';
export {
  readRange,
  lastStreamId,
  firstStreamId,
  tailStream,
  chunkByLength,
  encodedLength,
  type TailOptions,
  type MalformedEntry,
  type OnMalformed,
} from './reader';
export { createAuditLog, type AuditEntry, type AuditLog } from './audit';
export {
  createAlertStore,
  alertmanagerWebhookSchema,
  alertmanagerAlertSchema,
  type AlertStore,
  type AlertRecord,
  type AlertmanagerWebhook,
} from './alerts';
export { workflowEmitDeduper } from './workflow-emits';
