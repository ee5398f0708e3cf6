import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  MARKETS,
  asDecimal,
  formatUnits,
  pausesPoller,
  type EmergencyStatus,
  type AccountingReceipt,
  type AccountingState,
  type Market,
  type Units,
} from '@blockops/domain';
import type { ChainClient, Receipt } from '@blockops/chain';
import { ChainMismatchError, type AccountingStore, type ApplyResult, type OperationCharge, type OperationRecord } from '@blockops/accounts';
import type { LateConfirmation, PollResult, ReceiptActivities } from '@blockops/workflows/public';
import type { WorkerMetrics } from '../metrics';
import { classified } from './failure';
import { breachesOf, checkRisk, type EmergencyDeps, type RiskSnapshot } from './emergency';

export interface ReceiptDeps {
  chain: Pick<ChainClient, 'light' | 'receipt'>;
  store: Pick<
    AccountingStore,
    'checkpoint' | 'position' | 'applyBatch' | 'snapshot' | 'chainIdentity' | 'unannounced' | 'acknowledgeAnnounced'
  >;
  /** our account: receipts where it is the consumer are spends, where it is the provider earnings */
  account: string;
  metrics: WorkerMetrics;
  /** SHUTDOWN pauses the poller; risk limits are checked on every P&L update */
  risk: EmergencyDeps;
  /** ACCOUNTS_PREFIX, named in a chain-mismatch message */
  prefix?: string;
}

/** The risk view of the accounting: balance and position values at cost (what each market spent), in units. */
function riskSnapshotOf(state: AccountingState): RiskSnapshot {
  const positionValues = Object.fromEntries(MARKETS.map((m) => [m, state.positions[m].totalSpent])) as Record<Market, Units>;
  return { balance: state.balance, positionValues };
}

function toAccounting(r: Receipt, account: string): AccountingReceipt {
  return {
    id: r.id,
    market: r.market,
    blockHeight: r.block_height,
    timestamp: r.timestamp,
    direction: r.consumer === account ? 'spend' : 'earn',
    amount: r.amount,
    units: r.units,
    subsidy: r.subsidy,
  };
}

/**
 * Reads the receipts of whole blocks after the store's checkpoint (at most one batch, unless a
 * single block holds more) — a batch never ends inside a block, so the checkpoint is a height.
 */
async function fetchBatch(chain: ReceiptDeps['chain'], checkpoint: number, head: number, batchSize: number, signal?: AbortSignal) {
  const first = await chain.receipt.audit({ from_height: checkpoint + 1, to_height: head, limit: batchSize, offset: 0 }, { signal });
  let receipts = first.receipts;
  if (first.next_offset === null) return { receipts, toHeight: head, caughtUp: true };
  const lastHeight = receipts[receipts.length - 1]!.block_height;
  if (lastHeight > checkpoint + 1) {
    const toHeight = lastHeight - 1;
    receipts = receipts.filter((r) => r.block_height <= toHeight);
    return { receipts, toHeight, caughtUp: false };
  }
  // one block with more receipts than a batch: read all of it (same offsets: it is the range's first block)
  let offset: number | null = first.next_offset;
  while (offset !== null) {
    const page = await chain.receipt.audit({ from_height: checkpoint + 1, to_height: checkpoint + 1, limit: 1000, offset }, { signal });
    receipts = receipts.concat(page.receipts);
    offset = page.next_offset;
  }
  return { receipts, toHeight: checkpoint + 1, caughtUp: checkpoint + 1 === head };
}

type Header = Awaited<ReturnType<ReceiptDeps['chain']['light']['latestHeader']>>;

/** What was read after one checkpoint: the node's header and, when the head is past it, the next batch. */
interface Fetched {
  /** the checkpoint the batch was read after: it is applied only while the store is still there (CAS) */
  checkpoint: number;
  header: Header;
  /** the head as known after this read */
  head: number;
  batch?: Awaited<ReturnType<typeof fetchBatch>>;
}

/**
 * The header, then the batch after `checkpoint` up to its head. With `knownHead` (a head already
 * seen past the checkpoint: the pipelined read of the next batch) both are read at once: the batch
 * up to the known head, the header for the chain check and a head that may have moved on.
 */
async function fetchAfter(
  chain: ReceiptDeps['chain'],
  checkpoint: number,
  batchSize: number,
  knownHead?: number,
  signal?: AbortSignal,
): Promise<Fetched> {
  if (knownHead !== undefined && knownHead > checkpoint) {
    const [header, batch] = await Promise.all([
      chain.light.latestHeader({ signal }),
      fetchBatch(chain, checkpoint, knownHead, batchSize, signal),
    ]);
    const head = Math.max(header.height, knownHead);
    return { checkpoint, header, head, batch: { ...batch, caughtUp: batch.caughtUp && head === knownHead } };
  }
  const header = await chain.light.latestHeader({ signal });
  if (header.height <= checkpoint) return { checkpoint, header, head: header.height };
  return { checkpoint, header, head: header.height, batch: await fetchBatch(chain, checkpoint, header.height, batchSize, signal) };
}

/** The running activity's context, or undefined when called directly (unit and store tests). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

const lateOf = (r: OperationRecord): LateConfirmation => ({
  operationId: r.operationId,
  market: r.market,
  blockHeight: r.blockHeight ?? 0,
  actualCost: formatUnits(r.actualCost ?? 0n),
  receiptId: r.receiptId ?? '',
  lateFrom: r.lateFrom ?? 'EXPIRED',
});

export function createReceiptActivities(deps: ReceiptDeps): ReceiptActivities {
  const { chain, store, account, metrics } = deps;
  const prefix = deps.prefix ?? '(this store)';

  /** The node must serve the chain the store belongs to: the check the apply script repeats atomically. */
  async function assertSameChain(nodeGenesis: string | undefined, recorded: string | undefined) {
    if (!nodeGenesis || !recorded || nodeGenesis === recorded) return;
    const mismatch = new ChainMismatchError(await store.chainIdentity(), { chainId: '', genesisHash: nodeGenesis }, prefix);
    throw ApplicationFailure.retryable(mismatch.message, 'ChainMismatch');
  }

  /** Our receipts of a batch, as accounting takes them, and the charges of our operations they book. */
  function oursOf(receipts: Receipt[]) {
    const ours = receipts.filter((r) => r.consumer === account || r.provider === account);
    const accounted = ours.map((r) => toAccounting(r, account));
    const charges: OperationCharge[] = ours.flatMap((r, i) =>
      r.operation_id && accounted[i]!.direction === 'spend'
        ? [{ operationId: r.operation_id, receiptId: r.id, blockHeight: r.block_height, actualCost: r.amount }]
        : [],
    );
    return { ours, accounted, charges };
  }

  /** Applies a fetched batch (CAS on the checkpoint it was read after). */
  async function applyFetched(fetched: Fetched & { batch: NonNullable<Fetched['batch']> }, mine: ReturnType<typeof oursOf>) {
    const { batch } = fetched;
    let res;
    try {
      res = await store.applyBatch({
        fromCheckpoint: fetched.checkpoint,
        toHeight: batch.toHeight,
        receipts: mine.accounted,
        charges: mine.charges,
        genesisHash: fetched.header.genesis_hash,
      });
    } catch (err) {
      if (err instanceof ChainMismatchError) throw ApplicationFailure.retryable(err.message, 'ChainMismatch');
      throw err;
    }
    metrics.pollerCycles.inc();
    if (res.applied) {
      metrics.pollerReceipts.inc(batch.receipts.length);
      // counted per label, not per receipt: a label lookup per receipt cost ~1 ms per 1,000-receipt batch
      const perMarket = new Map<string, number>();
      for (const r of batch.receipts) perMarket.set(r.market, (perMarket.get(r.market) ?? 0) + 1);
      for (const [market, n] of perMarket) metrics.chainReceipts.inc({ market }, n);
      const perDirection = new Map<string, { market: string; direction: string; n: number }>();
      for (const r of mine.accounted) {
        const key = `${r.market}:${r.direction}`;
        const c = perDirection.get(key) ?? perDirection.set(key, { market: r.market, direction: r.direction, n: 0 }).get(key)!;
        c.n += 1;
      }
      for (const c of perDirection.values()) metrics.accountingReceipts.inc({ market: c.market, direction: c.direction }, c.n);
      for (const rec of res.lateConfirmed) metrics.lateConfirmations.inc({ market: rec.market, from: rec.lateFrom ?? 'EXPIRED' });
    }
    return res;
  }

  return {
    async pollReceipts({ batchSize, idleMaxMs = 0, pollIntervalMs = 1000, announced = [] }): Promise<PollResult> {
      const ctx = activityContext();
      const started = Date.now();
      // The next batch is read while this one is applied (one batch ahead), only when the call may
      // apply more than one (idleMaxMs > 0). It is applied only if the store is still at the
      // checkpoint it was read after (the apply's CAS); anything else drops it unread, and a killed
      // worker loses nothing: the next attempt reads from the store's checkpoint.
      let ahead: { read: Promise<Fetched>; abort: AbortController } | undefined;
      const dropAhead = () => {
        if (!ahead) return;
        ahead.abort.abort();
        ahead.read.catch(() => undefined);
        ahead = undefined;
      };
      try {
        return await classified(async () => {
          await store.acknowledgeAnnounced(announced);
          const result: PollResult = {
            applied: true,
            fromHeight: -1,
            toHeight: 0,
            head: 0,
            seen: 0,
            count: 0,
            caughtUp: true,
            confirmations: [],
            idleChecks: 0,
            pnl: { total: '0', byMarket: {}, balance: '0' },
          };
          let position = 0;
          // the store's chain, once known (the apply script checks it again, atomically)
          let storeGenesis: string | undefined;
          // when this call first applied or found something of ours: while catching up it keeps
          // applying batches for up to one poll interval before reporting
          let oursSince: number | undefined;
          // the emergency state read after the last apply, when the next batch follows at once
          let nextEmergency: EmergencyStatus | undefined;
          // Poll until something of ours was applied or is to be announced, or the idle time is up:
          // an idle poller then writes one activity to history per idleMaxMs, not one per poll.
          for (;;) {
            ctx?.heartbeat();
            // SHUTDOWN: nothing is read or applied until RESUME; the checkpoint stays where it is
            // (a batch read ahead keeps arriving meanwhile)
            const emergency = nextEmergency ?? (await deps.risk.emergency.status());
            nextEmergency = undefined;
            if (pausesPoller(emergency.state)) {
              dropAhead();
              if (result.fromHeight >= 0) break; // report what this call applied; the next call reports the pause
              const checkpoint = await store.checkpoint();
              return {
                ...result,
                applied: false,
                paused: { state: emergency.state, reason: emergency.reason },
                fromHeight: checkpoint,
                toHeight: checkpoint,
                head: checkpoint,
              };
            }
            let fetched: Fetched;
            let res: ApplyResult | undefined;
            if (ahead) {
              const { read } = ahead;
              ahead = undefined;
              fetched = await read;
            } else {
              const at = await store.position();
              storeGenesis = at.genesisHash;
              fetched = await fetchAfter(chain, at.checkpoint, batchSize);
            }
            await assertSameChain(fetched.header.genesis_hash, storeGenesis);
            result.head = fetched.head;
            position = fetched.checkpoint;
            metrics.pollerHead.set(fetched.head);
            if (!fetched.batch) {
              result.caughtUp = true;
              result.idleChecks! += 1;
              metrics.pollerCycles.inc();
            } else {
              const { batch } = fetched;
              const mine = oursOf(batch.receipts);
              // one call reports at most a batch's worth of confirmations
              if (result.fromHeight >= 0 && result.confirmations.length + mine.charges.length > batchSize) break;
              if (idleMaxMs > 0 && !batch.caughtUp) {
                const abort = new AbortController();
                ahead = { read: fetchAfter(chain, batch.toHeight, batchSize, fetched.head, abort.signal), abort };
              }
              res = await applyFetched({ ...fetched, batch }, mine);
              if (!res.applied) {
                // a concurrent or earlier attempt applied this range; report what this call applied, if anything
                dropAhead();
                if (result.fromHeight < 0) result.applied = false;
                position = res.checkpoint;
                break;
              }
              storeGenesis ??= fetched.header.genesis_hash;
              const { summary } = res;
              if (result.fromHeight < 0) result.fromHeight = fetched.checkpoint;
              result.toHeight = position = res.checkpoint;
              result.seen += batch.receipts.length;
              result.count += mine.ours.length;
              result.caughtUp = batch.caughtUp;
              result.pnl = asDecimal({ total: summary.total, byMarket: summary.byMarket, balance: summary.balance.current });
              for (const c of mine.charges) result.confirmations.push({ ...c, actualCost: formatUnits(c.actualCost) });
            }
            // one round trip: the risk limits on our receipts (the balance before them marks the day's
            // start), late confirmations to announce, and — when the next batch is on its way — the
            // emergency state it will be applied under
            const risky = res?.applied && res.count > 0 ? res : undefined;
            const [breaches, late, emergencyNext] = await Promise.all([
              risky ? checkRisk(deps.risk, risky.balanceBefore, riskSnapshotOf(risky.state)).then(breachesOf) : [],
              store.unannounced(),
              ahead ? deps.risk.emergency.status() : undefined,
            ]);
            nextEmergency = emergencyNext;
            if (late.length) result.late = late.map(lateOf);
            if (breaches.length) {
              result.breaches = [...(result.breaches ?? []), ...breaches];
              break; // a breached limit halts everything: report it now
            }
            const somethingOurs = result.count > 0 || result.confirmations.length > 0 || late.length > 0;
            if (somethingOurs) oursSince ??= Date.now();
            const left = idleMaxMs - (Date.now() - started);
            if (left <= 0) break;
            // more blocks waiting: no pause; what is ours is reported once caught up, or after a poll interval
            if (ahead) {
              if (oursSince === undefined || Date.now() - oursSince < pollIntervalMs) continue;
              break;
            }
            if (somethingOurs) break;
            if (fetched.batch && !result.caughtUp) continue;
            nextEmergency = undefined; // read again after the wait
            const wait = Math.min(pollIntervalMs, left);
            await (ctx ? ctx.sleep(wait) : new Promise((r) => setTimeout(r, wait)));
          }
          if (result.fromHeight < 0) result.fromHeight = result.toHeight = position;
          return result;
        });
      } catch (err) {
        metrics.pollerErrors.inc({ reason: (err as { type?: string; name?: string }).type ?? (err as Error).name ?? 'error' });
        throw err;
      } finally {
        dropAhead();
      }
    },
  };
}
