import { defineQuery, defineSignal } from '@temporalio/workflow';
import { DISBURSE_SIGNALS } from '@blockops/domain';
import type { DisbursementCounts, ThrottleView } from './activity-types';

/** Sent by PUT /api/disbursements/throttle to every running batch: applies before the next chunk. */
export const throttleSignal = defineSignal<[ThrottleView]>(DISBURSE_SIGNALS.throttle);
/** Sent by another batch's workflow when its chunk made items of this batch ready (or cancelled them). */
export const wakeSignal = defineSignal<[]>(DISBURSE_SIGNALS.wake);

export interface DisburseView {
  batchId: string;
  counts: DisbursementCounts;
  inFlight: number[];
  /** while the emergency controller halts submissions: the chunks held (their items QUEUED) and the halt */
  held?: number[];
  halt?: { state: string; reason: string };
  nextChunk: number;
  run: number;
  throttle: ThrottleView;
}
export const disburseStatusQuery = defineQuery<DisburseView>('status');

export interface DisburseResult {
  batchId: string;
  counts: DisbursementCounts;
  chunks: number;
  runs: number;
}
