import { DISBURSEMENT_STATUSES, type StatusCounts } from '@/lib/client/treasury-types';
import { num } from '@/lib/client/format';

/** A batch's progress: one bar segment per status, and the counts beside it. */
export function BatchProgress({ counts, total, compact }: { counts: StatusCounts; total: number; compact?: boolean }) {
  const done = total - counts.QUEUED;
  return (
    <div className={`progress${compact ? ' compact' : ''}`} data-testid="batch-progress" data-done={done} data-total={total}>
      <div
        className="progress-bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-label={`${done} of ${total} finished`}
      >
        {DISBURSEMENT_STATUSES.filter((s) => s !== 'QUEUED').map((s) =>
          counts[s] ? (
            <span key={s} className={`seg st-${s.toLowerCase()}`} style={{ width: `${(100 * counts[s]) / Math.max(1, total)}%` }} />
          ) : null,
        )}
      </div>
      <div className="progress-counts">
        {DISBURSEMENT_STATUSES.map((s) => (
          <span key={s} className={`count st-text-${s.toLowerCase()}`} data-count={s}>
            {num(counts[s])} {s.toLowerCase()}
          </span>
        ))}
      </div>
    </div>
  );
}
