// Types and constants for code outside the sandbox (worker, web). Not loaded into the workflow bundle.
export type { EventSinks, WorkflowEvent } from './sinks';
export { CORRELATION_HEADER } from './sinks';
export type { NetworkActivities, LatestHeader, NetStats } from './activity-types';
export type { NetworkCheckResult } from './network-check';

/** Paths the worker hands to the workflow bundler. */
export const workflowsPath = require.resolve('./index');
export const workflowInterceptorModules = [require.resolve('./interceptors')];
