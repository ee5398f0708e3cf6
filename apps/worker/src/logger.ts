import pino from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

export function createLogger(name: string, level: string) {
  return pino({ name, level, base: { service: name } });
}
export type Logger = ReturnType<typeof createLogger>;

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's logger (Runtime.install) writing through pino, so the SDK's own lines — worker
 * lifecycle, workflow and activity logs with their `correlationId` (added by the interceptors'
 * getLogAttributes) — are JSON lines like ours.
 */
export function temporalLogger(log: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const { error, ...rest } = (meta ?? {}) as LogMetadata & { error?: unknown };
    log[LEVELS[level]]({ ...rest, ...(error !== undefined ? { err: error } : {}) }, message);
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}
