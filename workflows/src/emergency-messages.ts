import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EmergencyAction, EmergencyStatus, EmergencyTransition } from '@blockops/domain';

/** A transition an operator (or a risk limit) asks for. */
export interface TransitionRequest {
  action: EmergencyAction;
  reason: string;
  /** `operator:<name>` from the API, `risk:<limit>` for an automatic halt */
  actor: string;
}

/** The singleton's fixed id: Temporal guarantees one running controller. */
export const EMERGENCY_CONTROLLER_ID = 'emergency-controller';

/** Acknowledged only once the new state is written where every activity reads it (Redis). */
export const transitionUpdate = defineUpdate<EmergencyTransition, [TransitionRequest]>('transition');
/** A breached risk limit, from the receipt poller: halts unless already halted or shut down. */
export const riskBreachSignal = defineSignal<[{ limit: string; reason: string }]>('riskBreach');
/** null while a freshly started controller is still reading the latched state from Redis. */
export const emergencyStatusQuery = defineQuery<EmergencyStatus | null>('emergencyStatus');
/** Sent to the receipt poller when SHUTDOWN is lifted, so it resumes without waiting out its pause. */
export const emergencyResumedSignal = defineSignal('emergencyResumed');
