// Types and constants for code outside the sandbox (worker, tests). Not loaded into the workflow bundle.
// Bundled clients (the web app) import `@blockops/workflows/messages` instead: it holds no paths.
export type { EventSinks, WorkflowEvent } from './sinks';
export { CORRELATION_HEADER } from './sinks';
export type * from './activity-types';
export type { NetworkCheckResult } from './network-check';
export type { OperationResult } from './operation';
export type { ReceiptPollerState } from './receipt-poller';
export * from './operation-messages';
export * from './search-attributes';

export { throttleSignal, wakeSignal, disburseStatusQuery, type DisburseView, type DisburseResult } from './disburse-messages';

/** Paths the worker hands to the workflow bundler. */
export const workflowsPath = require.resolve('./index');
export const workflowInterceptorModules = [require.resolve('./interceptors')];
export {
  EMERGENCY_CONTROLLER_ID,
  transitionUpdate,
  riskBreachSignal,
  emergencyStatusQuery,
  emergencyResumedSignal,
  type TransitionRequest,
} from './emergency-messages';
export type { EmergencyControllerInput } from './emergency-controller';
