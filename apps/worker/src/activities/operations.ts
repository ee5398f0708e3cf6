import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { CHAIN_BREAKER, allowsSubmissions, asDecimal, formatUnits, gateRefusal, type Market, type Units } from '@blockops/domain';
import type { EmergencyStore } from '@blockops/emergency';
import type { ChainClient } from '@blockops/chain';
import type { AccountingStore, OperationsStore } from '@blockops/accounts';
import type { OperationActivities } from '@blockops/workflows/public';
import type { GateCache } from '../gate-cache';
import { amountFromPayload } from './amounts';
import type { ChainWriteGuard } from '../chain-write-guard';
import { classified } from './failure';

export interface OperationDeps {
  chain: Pick<ChainClient, 'computeMarket' | 'storage' | 'energy' | 'adMarket' | 'tx'>;
  store: Pick<AccountingStore, 'reserve' | 'release' | 'checkpoint'>;
  operations: OperationsStore;
  gates: GateCache;
  /** every chain write goes through it */
  guard: Pick<ChainWriteGuard, 'run'>;
  account: string;
  emergency: Pick<EmergencyStore, 'status' | 'permit'>;
}

/** Refused by the emergency controller: not retried; the workflow answers 409 naming the halt. */
export const EMERGENCY_HALTED = 'EmergencyHalted';

const workflowId = () => Context.current().info.workflowExecution?.workflowId ?? '';

export function createOperationActivities(deps: OperationDeps): OperationActivities {
  const { chain, store, operations, gates, guard, account, emergency } = deps;
  const submitters: Record<
    Market,
    (p: {
      operation_id: string;
      account: string;
      estimated_cost: Units;
      units: number;
    }) => Promise<{ tx_hash: string; submitted_height: number }>
  > = {
    compute: (p) => chain.computeMarket.submitJob(p),
    storage: (p) => chain.storage.put(p),
    energy: (p) => chain.energy.trade(p),
    ad: (p) => chain.adMarket.createCampaign(p),
  };

  return {
    async checkEmergency() {
      const e = await emergency.status();
      return allowsSubmissions(e.state) ? { allows: true } : { allows: false, state: e.state, reason: e.reason };
    },

    async checkGate(market) {
      const refusal = gateRefusal(await classified(() => gates.get()), market);
      return refusal ? { admits: false, state: refusal.state, reason: refusal.reason } : { admits: true };
    },

    reserveFunds: async (operationId, amount) => asDecimal(await store.reserve(operationId, amountFromPayload(amount, 'amount'))),

    async submitOperation(req) {
      // the permit checks HALT and records the intent in one step: after a HALT is acknowledged no submit starts
      const permit = await emergency.permit([`op:${req.operationId}`]);
      if (!permit.ok) {
        throw ApplicationFailure.create({
          type: EMERGENCY_HALTED,
          message: `halted: ${permit.state} (${permit.reason})`,
          nonRetryable: true,
          details: [{ state: permit.state, reason: permit.reason }],
        });
      }
      const estimatedCost = amountFromPayload(req.estimatedCost, 'estimatedCost');
      // the breaker refuses (BreakerOpen, nothing sent) or counts the outcome; classified() leaves its refusal as is
      const r = await classified(() =>
        guard.run(CHAIN_BREAKER, () =>
          submitters[req.market]({ operation_id: req.operationId, account, estimated_cost: estimatedCost, units: req.units }),
        ),
      );
      const now = Date.now();
      await operations.put({
        operationId: req.operationId,
        workflowId: workflowId(),
        market: req.market,
        estimatedCost,
        units: req.units,
        status: 'SUBMITTED',
        txHash: r.tx_hash,
        submittedAt: now,
        updatedAt: now,
      });
      return { txHash: r.tx_hash, submittedHeight: r.submitted_height };
    },

    async readOperationStatus(operationId) {
      const s = await classified(() => chain.tx.status({ operation_id: operationId }));
      return {
        status: s.status,
        txHash: s.tx_hash,
        blockHeight: s.block_height ?? undefined,
        actualCost: s.actual_cost === null || s.actual_cost === undefined ? undefined : formatUnits(s.actual_cost),
        receiptId: s.receipt_id ?? undefined,
      };
    },

    async settleOperation(s) {
      if (s.outcome === 'CONFIRMED' && s.blockHeight !== undefined) {
        // release only once accounting holds the receipt, else the cost would be counted in neither
        const checkpoint = await store.checkpoint();
        if (checkpoint < s.blockHeight) {
          throw ApplicationFailure.retryable(
            `accounting is at height ${checkpoint}, the receipt is at ${s.blockHeight}`,
            'AccountingBehind',
          );
        }
      }
      await store.release(s.operationId);
      const now = Date.now();
      const before = await operations.get(s.operationId);
      await operations.put({
        operationId: s.operationId,
        workflowId: workflowId(),
        market: s.market,
        estimatedCost: amountFromPayload(s.estimatedCost, 'estimatedCost'),
        units: before?.units,
        txHash: before?.txHash,
        submittedAt: before?.submittedAt ?? now,
        status: s.outcome,
        blockHeight: s.blockHeight,
        actualCost: s.actualCost === undefined ? undefined : amountFromPayload(s.actualCost, 'actualCost'),
        reason: s.reason,
        updatedAt: now,
      });
    },
  };
}
