/**
 * The activities workflows may call, as types only: apps/worker implements them
 * (`satisfies NetworkActivities`), so dependencies point apps → workflows, never back.
 */
export interface LatestHeader {
  height: number;
  hash: string;
  finalityTimeS: number;
}

export interface NetStats {
  peerCount: number;
  tps: number;
}

export interface NetworkActivities {
  readLatestHeader(): Promise<LatestHeader>;
  readNetStats(): Promise<NetStats>;
}
