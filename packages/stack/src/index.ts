export { startProcess, type ManagedProcess, type StartProcessOptions } from './process';
export * from './net';
export { poll, type PollOptions } from './poll';
export { resolveTemporalCli, resolveRedisServer } from './tools';
export { startStack, DEV_SERVER_DYNAMIC_CONFIG, type Stack, type StackOptions, type ServiceName } from './stack';
export { startTestStack } from './test-stack';
