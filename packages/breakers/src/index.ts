export { createBreakerStore, type BreakerStore, type BreakerStoreOptions, type StepResult, type BreakerNote } from './store';
export { watchBreakerChanges, type BreakerChange, type BreakerWatch } from './watch';
export { registerBreakerMetrics, type BreakerMetrics } from './metrics';
export { breakerConfigOf } from './config';
export { breakerKeys, changeChannel } from './keys';
