/**
 * The activities workflows may call, as types only: apps/worker implements them
 * (factories typed by these interfaces), so dependencies point apps → workflows, never back.
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

/** A receipt that confirms one of our operations, as the poller hands it to the operation workflow. */
export interface Confirmation {
  operationId: string;
  blockHeight: number;
  actualCost: number;
  receiptId: string;
}

export interface PollResult {
  /** false when this height range had already been applied (a retried or raced attempt): nothing changed */
  applied: boolean;
  fromHeight: number;
  /** the new checkpoint */
  toHeight: number;
  head: number;
  /** receipts read from the chain */
  seen: number;
  /** of those, ours (applied to accounting) */
  count: number;
  caughtUp: boolean;
  confirmations: Confirmation[];
  pnl: { total: number; byMarket: Record<string, number>; balance: number };
}

export interface ReceiptActivities {
  /** Fetches receipts after the checkpoint, applies ours atomically with the new checkpoint. */
  pollReceipts(input: { batchSize: number }): Promise<PollResult>;
}

export type GateCheck = { admits: true } | { admits: false; state: string; reason: string };
export type Reservation = { ok: true; available: number } | { ok: false; need: number; available: number };

export interface SubmitRequest {
  operationId: string;
  market: 'compute' | 'storage' | 'energy' | 'ad';
  estimatedCost: number;
  units: number;
}

export interface OperationSettlement {
  operationId: string;
  market: string;
  estimatedCost: number;
  outcome: 'CONFIRMED' | 'EXPIRED' | 'REJECTED' | 'FAILED';
  blockHeight?: number;
  actualCost?: number;
  reason?: string;
}

export interface OperationActivities {
  checkGate(market: SubmitRequest['market']): Promise<GateCheck>;
  reserveFunds(operationId: string, amount: number): Promise<Reservation>;
  /** Submits once per operation id (the node is idempotent by it); cancelled-class errors are not retried. */
  submitOperation(req: SubmitRequest): Promise<{ txHash: string; submittedHeight: number }>;
  readOperationStatus(
    operationId: string,
  ): Promise<{ status: 'pending' | 'confirmed' | 'unknown'; blockHeight?: number; actualCost?: number; receiptId?: string }>;
  /** Releases the reservation and records the outcome; a confirmation waits (retries) until accounting has applied its block. */
  settleOperation(s: OperationSettlement): Promise<void>;
}
