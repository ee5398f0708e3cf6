import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  RECEIPT_POLLER_ID,
  allowsSubmissions,
  pausesPoller,
  targetState,
  transitionProblem,
  type EmergencyStatus,
  type EmergencyTransition,
} from '@blockops/domain';
import type { EmergencyActivities } from './activity-types';
import {
  emergencyResumedSignal,
  emergencyStatusQuery,
  riskBreachSignal,
  transitionUpdate,
  type TransitionRequest,
} from './emergency-messages';
import { emit } from './emit';

// Writing the state is one Redis command: quick retries, and the update waits for it.
const { readEmergencyStatus, recordEmergencyTransition } = proxyActivities<EmergencyActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '100 ms', backoffCoefficient: 2, maximumInterval: '2 seconds' },
});

export interface EmergencyControllerInput {
  /** carried across continue-as-new; absent on first start (then read from Redis, which may hold a latched HALT) */
  status?: EmergencyStatus;
  /** continue-as-new once the history is this long (bounded history for a never-ending singleton) */
  maxHistoryEvents?: number;
}

/**
 * `emergency-controller` (singleton): NORMAL / ALERT / HALT / SHUTDOWN. Transitions are Updates
 * with validators; each is written to Redis (where every submitting activity reads it) before
 * it is acknowledged, then announced. Transitions are serialised: one at a time.
 */
export async function emergencyController(input: EmergencyControllerInput = {}): Promise<void> {
  // handlers are registered before the first await, so an Update-with-Start is never refused; until
  // the latched state is read, transitions wait for it (the validator lets them through to the lock)
  let status: EmergencyStatus | undefined = input.status;
  // transitions run one at a time, in arrival order (a promise chain is deterministic in the sandbox)
  let queue: Promise<unknown> = Promise.resolve();
  let busy = false;

  const apply = (req: TransitionRequest): Promise<EmergencyTransition> => {
    const run = queue.then(() => applyNow(req));
    queue = run.catch(() => undefined);
    return run;
  };
  const applyNow = async (req: TransitionRequest): Promise<EmergencyTransition> => {
    await condition(() => status !== undefined);
    busy = true;
    try {
      const current = status!;
      // re-checked under the lock: another transition may have landed since validation
      const problem = transitionProblem(current.state, req.action, req.reason);
      if (problem) throw ApplicationFailure.nonRetryable(problem, 'TransitionRefused');
      const t: EmergencyTransition = {
        previous: current.state,
        action: req.action,
        state: targetState(req.action),
        since: new Date().toISOString(),
        reason: req.reason.trim(),
        actor: req.actor,
      };
      await recordEmergencyTransition(t);
      status = { state: t.state, since: t.since, reason: t.reason, actor: t.actor };
      emit({ type: 'emergency_state_changed', previous_state: t.previous, new_state: t.state, reason: t.reason, actor: t.actor });
      if (pausesPoller(t.previous) && !pausesPoller(t.state)) {
        // the poller re-checks on its own too; this only spares it the rest of its pause
        await getExternalWorkflowHandle(RECEIPT_POLLER_ID)
          .signal(emergencyResumedSignal)
          .catch((err: unknown) => log.info('receipt poller not signalled', { err: String(err) }));
      }
      return t;
    } finally {
      busy = false;
    }
  };

  setHandler(transitionUpdate, apply, {
    validator: (req) => {
      const problem = status && transitionProblem(status.state, req.action, req.reason);
      if (problem) throw new Error(problem);
    },
  });
  setHandler(riskBreachSignal, ({ limit, reason }) => {
    if (status && !allowsSubmissions(status.state)) return; // latched already
    void apply({ action: 'halt', reason, actor: `risk:${limit}` }).catch((err: unknown) =>
      log.warn('risk halt refused', { err: String(err) }),
    );
  });
  setHandler(emergencyStatusQuery, () => status ?? null);
  status ??= await readEmergencyStatus();

  const maxEvents = input.maxHistoryEvents ?? 2000;
  await condition(() => workflowInfo().historyLength >= maxEvents && !busy);
  await condition(allHandlersFinished);
  await continueAsNew<typeof emergencyController>({ status: status!, maxHistoryEvents: input.maxHistoryEvents });
}
