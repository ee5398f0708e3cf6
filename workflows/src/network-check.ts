import { proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES, networkStrength, type NetworkCheckInput } from '@blockops/domain';
import type { NetworkActivities } from './activity-types';

const { readLatestHeader, readNetStats } = proxyActivities<NetworkActivities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 ms',
    backoffCoefficient: 2,
    maximumInterval: '5 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

export interface NetworkCheckResult {
  height: number;
  peerCount: number;
  tps: number;
  finalityTimeS: number;
  networkStrength: number;
  healthy: boolean;
  problems: string[];
}

/** Reads the chain head and network stats from the node and scores the network's health. */
export async function networkCheck(input: NetworkCheckInput = {}): Promise<NetworkCheckResult> {
  const minPeers = input.minPeers ?? 3;
  const minStrength = input.minStrength ?? 50;
  const header = await readLatestHeader();
  const stats = await readNetStats();
  const snapshot = { height: header.height, peerCount: stats.peerCount, tps: stats.tps, finalityTimeS: header.finalityTimeS };
  const strength = networkStrength(snapshot);
  const problems: string[] = [];
  if (stats.peerCount < minPeers) problems.push(`${stats.peerCount} peers, fewer than ${minPeers}`);
  if (strength < minStrength) problems.push(`strength ${strength} below ${minStrength}`);
  return { ...snapshot, networkStrength: strength, healthy: problems.length === 0, problems };
}
