/**
 * The floor's workflow (treasury-floor.ts, run with a Temporal start): the least a Temporal-run
 * executor pays before its first round — a workflow start, its first task, one activity — and
 * nothing else. The activity runs in the bench process and lets the floor's rounds go.
 */
import { proxyActivities } from '@temporalio/workflow';

const { floorGo } = proxyActivities<{ floorGo(batchId: string): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function floorStart(batchId: string): Promise<void> {
  await floorGo(batchId);
}
