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
import { ChainError, type ChainClient, type Receipt } from '@blockops/chain';
import { ChainMismatchError, type AccountingStore, type ApplyResult, type OperationCharge, type OperationRecord } from '@blockops/accounts';
import type { LateConfirmation, PollResult, ReceiptActivities } from '@blockops/workflows/public';
import type { WorkerMetrics } from '../metrics';
import { classified } from './failure';
import { breachesOf, checkRisk, type EmergencyDeps, type RiskSnapshot } from './emergency';
import { confirmationSender, contextSignaller, type SignalConfirmation } from './confirmation-signals';

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
  /** how confirmations are signalled when the workflow asks for it (default: the activity context's client) */
  signal?: SignalConfirmation;
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

/** Pages read ahead while a batch is applied: the node serves one while this process reads the other. */
const PIPELINE_PAGES = 2;

type Header = Awaited<ReturnType<ReceiptDeps['chain']['light']['latestHeader']>>;

/** A batch of whole blocks: every receipt of blocks fromCheckpoint+1..toHeight, read beside the node's header. */
interface Batch {
  /** the checkpoint it follows: it is applied only while the store is still there (the apply's CAS) */
  fromCheckpoint: number;
  toHeight: number;
  receipts: Receipt[];
  /** toHeight is the head the range was read up to */
  caughtUp: boolean;
  /** the header read beside the batch's last page: the chain it came from */
  header: Header;
}

/**
 * The receipts of blocks (from, head] cut into batches of whole blocks of at most `batchSize`
 * receipts (a block larger than a batch is one batch), so the checkpoint is always a height.
 * The range is read as offset pages of one query — the node's past blocks do not change, so the
 * offsets hold, and every page's total is checked against the first — with up to `depth` pages in
 * flight beyond the one being cut (0: a page is read only when a batch needs it), each beside the
 * node's header: a page from another chain stops the call.
 */
export function readRange(
  chain: ReceiptDeps['chain'],
  range: { from: number; head: number; header: Header },
  batchSize: number,
  depth: number,
) {
  const { from, head } = range;
  const limit = Math.min(batchSize, 1000);
  const abort = new AbortController();
  const { signal } = abort;
  const inFlight: Array<Promise<{ header: Header; page: Awaited<ReturnType<ReceiptDeps['chain']['receipt']['audit']>> }>> = [];
  let requested = 0;
  let total: number | undefined;
  let allRead = false;
  let buffer: Receipt[] = [];
  let header = range.header;
  let checkpoint = from;

  const request = (k: number) => {
    const page = chain.receipt.audit({ from_height: from + 1, to_height: head, limit, offset: k * limit }, { signal });
    // the first page goes with the header that gave the head; every later one with its own
    const read = Promise.all([k === 0 ? range.header : chain.light.latestHeader({ signal }), page]).then(([h, p]) => ({
      header: h,
      page: p,
    }));
    read.catch(() => undefined); // awaited in order by next(); dropped unread by drop()
    inFlight.push(read);
    requested++;
  };
  /** keeps `ahead` pages requested and unread (more only once the first page told the total) */
  const fill = (ahead: number) => {
    const pages = total === undefined ? 1 : Math.ceil(total / limit);
    while (requested < pages && inFlight.length < ahead) request(requested);
  };
  const broken = (what: string) =>
    new ChainError(`receipt.audit: ${what} (blocks ${from + 1}–${head})`, {
      errorClass: 'transient',
      reason: 'bad_response',
      method: 'receipt.audit',
    });

  /** how many receipts at the buffer's front form the next batch of whole blocks, and its height; undefined: read more */
  function cut(): { count: number; toHeight: number } | undefined {
    if (allRead && buffer.length <= batchSize) return { count: buffer.length, toHeight: head };
    if (buffer.length === 0) return undefined;
    let end = Math.min(batchSize, buffer.length);
    // never split a block: neither the one at the cut nor the buffer's last (more of it may follow)
    if (end < buffer.length || !allRead) {
      const h = buffer[end < buffer.length ? end : end - 1]!.block_height;
      while (end > 0 && buffer[end - 1]!.block_height === h) end--;
    }
    if (end === 0) {
      // the first block alone fills a batch: it is one batch once it is whole
      const first = buffer[0]!.block_height;
      const next = buffer.findIndex((r) => r.block_height !== first);
      if (next < 0) return allRead ? { count: buffer.length, toHeight: head } : undefined;
      end = next;
    }
    return { count: end, toHeight: buffer[end]!.block_height - 1 };
  }

  return {
    /** The next batch, or undefined once the range is applied up to its head. */
    async next(): Promise<Batch | undefined> {
      for (;;) {
        const c = checkpoint < head ? cut() : undefined;
        if (c) {
          const batch: Batch = {
            fromCheckpoint: checkpoint,
            toHeight: c.toHeight,
            receipts: buffer.slice(0, c.count),
            // at the range's head, and the node's head had not moved on when the last page was read
            caughtUp: c.toHeight === head && header.height <= head,
            header,
          };
          buffer = buffer.slice(c.count);
          checkpoint = c.toHeight;
          fill(depth);
          return batch;
        }
        if (allRead || checkpoint >= head) return undefined;
        fill(Math.max(depth, 1));
        if (inFlight.length === 0) throw broken('the pages ended before the last one');
        const offset = (requested - inFlight.length) * limit;
        const read = await inFlight.shift()!;
        if (read.header.genesis_hash && range.header.genesis_hash && read.header.genesis_hash !== range.header.genesis_hash)
          throw broken(`the node changed chains while the range was read (genesis ${read.header.genesis_hash})`);
        const { page } = read;
        total ??= page.total;
        if (page.total !== total || page.offset !== offset)
          throw broken(`the range moved while it was read (total ${page.total}, was ${total})`);
        header = read.header;
        buffer = buffer.concat(page.receipts);
        allRead = page.next_offset === null;
        if (!allRead && page.receipts.length !== limit) throw broken(`a page of ${page.receipts.length} receipts before the last`);
        fill(depth);
      }
    },
    /** Stops reading: pages in flight are abandoned unread. */
    drop() {
      abort.abort();
      inFlight.length = 0;
    },
  };
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
  async function applyFetched(batch: Batch, mine: ReturnType<typeof oursOf>) {
    let res;
    try {
      res = await store.applyBatch({
        fromCheckpoint: batch.fromCheckpoint,
        toHeight: batch.toHeight,
        receipts: mine.accounted,
        charges: mine.charges,
        genesisHash: batch.header.genesis_hash,
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
    async pollReceipts({
      batchSize,
      idleMaxMs = 0,
      pollIntervalMs = 1000,
      announced = [],
      signalConfirmations,
      reportIntervalMs = 0,
    }): Promise<PollResult> {
      const ctx = activityContext();
      const started = Date.now();
      const signal = signalConfirmations ? (deps.signal ?? contextSignaller()) : undefined;
      const sender = signal ? confirmationSender(signal) : undefined;
      let confirmed = 0; // confirmations found by this call, signalled here or returned
      // confirmations signalled here need no early return: the summary waits up to reportIntervalMs
      const holdMs = sender ? Math.max(reportIntervalMs, pollIntervalMs) : pollIntervalMs;
      // While the call may apply more than one batch (idleMaxMs > 0), the next pages are read while
      // this batch is applied (PIPELINE_PAGES in flight). A batch is applied only if the store is
      // still at the checkpoint it follows (the apply's CAS); anything else drops what was read
      // ahead, and a killed worker loses nothing: the next attempt reads from the store's checkpoint.
      const depth = idleMaxMs > 0 ? PIPELINE_PAGES : 0;
      let reader: ReturnType<typeof readRange> | undefined;
      const dropReader = () => {
        reader?.drop();
        reader = undefined;
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
              dropReader();
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
            let batch = reader ? await reader.next() : undefined;
            let res: ApplyResult | undefined;
            if (!batch) {
              reader = undefined;
              const at = await store.position();
              storeGenesis = at.genesisHash;
              const header = await chain.light.latestHeader();
              await assertSameChain(header.genesis_hash, storeGenesis);
              result.head = header.height;
              position = at.checkpoint;
              metrics.pollerHead.set(header.height);
              if (header.height > at.checkpoint) {
                reader = readRange(chain, { from: at.checkpoint, head: header.height, header }, batchSize, depth);
                batch = await reader.next();
              }
            }
            if (!batch) {
              result.caughtUp = true;
              result.idleChecks! += 1;
              metrics.pollerCycles.inc();
            } else {
              await assertSameChain(batch.header.genesis_hash, storeGenesis);
              result.head = Math.max(result.head, batch.header.height);
              metrics.pollerHead.set(result.head);
              position = batch.fromCheckpoint;
              const mine = oursOf(batch.receipts);
              // one call reports at most a batch's worth of confirmations
              if (result.fromHeight >= 0 && confirmed + mine.charges.length > batchSize) break;
              res = await applyFetched(batch, mine);
              if (!res.applied) {
                // a concurrent or earlier attempt applied this range; report what this call applied, if anything
                dropReader();
                if (result.fromHeight < 0) result.applied = false;
                position = res.checkpoint;
                break;
              }
              storeGenesis ??= batch.header.genesis_hash;
              const { summary } = res;
              if (result.fromHeight < 0) result.fromHeight = batch.fromCheckpoint;
              result.toHeight = position = res.checkpoint;
              result.seen += batch.receipts.length;
              result.count += mine.ours.length;
              result.caughtUp = batch.caughtUp;
              result.pnl = asDecimal({ total: summary.total, byMarket: summary.byMarket, balance: summary.balance.current });
              const cs = mine.charges.map((c) => ({ ...c, actualCost: formatUnits(c.actualCost) }));
              confirmed += cs.length;
              // signalled at once (the operation need not wait for this call to end), else returned
              if (sender) sender.send(cs);
              else result.confirmations.push(...cs);
            }
            // one round trip: the risk limits on our receipts (the balance before them marks the day's
            // start), late confirmations to announce, and — when the next batch is on its way — the
            // emergency state it will be applied under
            const risky = res?.applied && res.count > 0 ? res : undefined;
            // the next batch follows at once (more blocks waiting, the call may go on)
            const more = depth > 0 && !!batch && !result.caughtUp;
            const [breaches, late, emergencyNext] = await Promise.all([
              risky ? checkRisk(deps.risk, risky.balanceBefore, riskSnapshotOf(risky.state)).then(breachesOf) : [],
              store.unannounced(),
              more ? deps.risk.emergency.status() : undefined,
            ]);
            nextEmergency = emergencyNext;
            if (late.length) result.late = late.map(lateOf);
            if (breaches.length) {
              result.breaches = [...(result.breaches ?? []), ...breaches];
              break; // a breached limit halts everything: report it now
            }
            const somethingOurs = result.count > 0 || confirmed > 0 || late.length > 0;
            if (somethingOurs) oursSince ??= Date.now();
            const left = idleMaxMs - (Date.now() - started);
            if (left <= 0) break;
            // more blocks waiting: no pause; what is ours is reported once caught up, or after a poll interval
            const held = oursSince === undefined ? 0 : Date.now() - oursSince;
            if (more) {
              if (oursSince === undefined || held < holdMs) continue;
              break;
            }
            if (somethingOurs && held >= holdMs - pollIntervalMs) break;
            if (batch && !result.caughtUp) continue;
            nextEmergency = undefined; // read again after the wait
            const wait = Math.min(pollIntervalMs, left);
            await (ctx ? ctx.sleep(wait) : new Promise((r) => setTimeout(r, wait)));
          }
          if (result.fromHeight < 0) result.fromHeight = result.toHeight = position;
          if (sender) {
            result.confirmations = await sender.unsent();
            result.signalled = confirmed - result.confirmations.length;
          }
          return result;
        });
      } catch (err) {
        metrics.pollerErrors.inc({ reason: (err as { type?: string; name?: string }).type ?? (err as Error).name ?? 'error' });
        throw err;
      } finally {
        dropReader();
      }
    },
  };
}
