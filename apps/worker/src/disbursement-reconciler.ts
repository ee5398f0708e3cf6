import type { TreasuryStore } from '@blockops/treasury';

export interface DisbursementReconcilerOptions {
  /** TREASURY_RECONCILE_MS: how often stored batches are checked */
  intervalMs: number;
  /** a batch younger than this is left to the web, which starts its workflow right after storing it */
  graceMs: number;
  /** only batches stored within this long are checked (the worker's start checks every one); a day by default */
  windowMs?: number;
  treasury: Pick<TreasuryStore, 'runningBatchIds'>;
  /** starts `disburse-<batchId>` for batches that never had one; returns those it started (ensureDisbursementWorkflows) */
  start: (batchIds: string[]) => Promise<string[]>;
  log: { warn(obj: object, msg: string): void };
  now?: () => number;
}

/**
 * Starts, every `intervalMs`, the workflow of each stored batch that has none: the web stored it
 * and died before starting it. The worker's own start does the same once; without this a batch
 * stored then would wait for the next worker restart. Only batches older than `graceMs` (the web
 * starts its own at once: starting it from here first would only lose the request's correlation
 * id) and stored within `windowMs` (a day: the check reads only those, not every batch ever stored);
 * a batch whose workflow ever existed is left alone (its workflow id is never reused). Every
 * worker may run one: the workflow id makes a second start a no-op. A check never overlaps the
 * previous one; a failed check is logged and tried again at the next.
 */
export function startDisbursementReconciler(opts: DisbursementReconcilerOptions) {
  const now = opts.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function check(): Promise<string[]> {
    const t = now();
    const due = await opts.treasury.runningBatchIds({ from: t - (opts.windowMs ?? 86_400_000), to: t - opts.graceMs });
    const started = due.length ? await opts.start(due) : [];
    if (started.length) opts.log.warn({ batches: started }, 'started disbursement workflows for stored batches that had none');
    return started;
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      check()
        .catch((err: unknown) => opts.log.warn({ err: String(err) }, 'checking stored batches for a missing workflow failed; trying again'))
        .finally(schedule);
    }, opts.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    /** One check now (the worker's start runs one before its first interval). */
    check,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
