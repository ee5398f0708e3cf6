import { hash } from 'node:crypto';
import type { DisbursementIntent } from '@blockops/chain';
import { formatUnits } from '@blockops/domain';

/**
 * The intent's signature. The devnet requires one but verifies nothing (it has no key registry),
 * so this is a digest of the signed fields (the amount as the decimal string sent); a real node needs the executor's key here (an HSM or
 * KMS call), keyed by `intent.executor`.
 */
export function signIntent(intent: Omit<DisbursementIntent, 'signature'>): string {
  // one-shot hash: no Hash object per intent (a round signs hundreds)
  return hash(
    'sha256',
    `${intent.executor}\n${intent.nonce}\n${intent.disbursement_id}\n${intent.destination}\n${formatUnits(intent.amount)}\n${intent.memo ?? ''}`,
    'hex',
  );
}
