import type { TreasuryStore } from '@blockops/treasury';

export interface DisbursementReconcilerOptions {
  /** TREASURY_RECONCILE_MS: how often stored batches are checked */
  intervalMs: number;
  /** a batch younger than this is left to the web, which starts its workflow right after storing it */
  graceMs: number;
  /** only batches stored within this long are checked (the worker's start checks every one); a day by default */
  windowMs?: number;
  treasury: Pick<TreasuryStore, 'runningBatchIds'>;
  /** starts `disburse-<batchId>` for batches that never had one (ensureDisbursementWorkflows) */
  start: (batchIds: string[]) => Promise<{ started: string[]; failed: { batchId: string; error: string }[] }>;
  log: { warn(obj: object, msg: string): void };
  now?: () => number;
}

/**
 * Starts, every `intervalMs`, the workflow of each stored batch that has none: the web stored it
 * and died before starting it. The worker's own start does the same once, for every batch; without
 * this a batch stored later would wait for the next worker restart. Only batches older than
 * `graceMs` (the web starts its own at once: starting it from here first would only lose the
 * request's correlation id) and stored within `windowMs` (a day: the check reads only those, not
 * every batch ever stored). A batch whose workflow ever ran is left alone (the API marks it in the
 * store once it started it, prepareBatch otherwise), and so is one whose workflow id Temporal still knows. Every worker may run one: the
 * workflow id makes a second start a no-op. A check never overlaps the previous one; a failed check
 * is logged and tried again at the next; `stop` waits for a check in flight.
 */
export function startDisbursementReconciler(opts: DisbursementReconcilerOptions) {
  const now = opts.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let inFlight: Promise<unknown> = Promise.resolve();

  async function check(): Promise<string[]> {
    const t = now();
    const due = await opts.treasury.runningBatchIds(
      { from: t - (opts.windowMs ?? 86_400_000), to: t - opts.graceMs },
      { withoutWorkflow: true },
    );
    if (!due.length) return [];
    const { started, failed } = await opts.start(due);
    if (started.length) opts.log.warn({ batches: started }, 'started disbursement workflows for stored batches that had none');
    if (failed.length)
      opts.log.warn({ failed }, 'could not start the workflow of stored batches that have none; trying again at the next check');
    return started;
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = check()
        .catch((err: unknown) => opts.log.warn({ err: String(err) }, 'checking stored batches for a missing workflow failed; trying again'))
        .finally(schedule);
    }, opts.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    /** One check now. */
    check,
    /** No further check; resolves once a check in flight has ended. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
