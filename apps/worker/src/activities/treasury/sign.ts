import { createHash } from 'node:crypto';
import type { DisbursementIntent } from '@blockops/chain';
import { formatUnits } from '@blockops/domain';

/**
 * The intent's signature. The devnet requires one but verifies nothing (it has no key registry),
 * so this is a digest of the signed fields (the amount as the decimal string sent); a real node needs the executor's key here (an HSM or
 * KMS call), keyed by `intent.executor`.
 */
export function signIntent(intent: Omit<DisbursementIntent, 'signature'>): string {
  return createHash('sha256')
    .update(
      `${intent.executor}\n${intent.nonce}\n${intent.disbursement_id}\n${intent.destination}\n${formatUnits(intent.amount)}\n${intent.memo ?? ''}`,
    )
    .digest('hex');
}
