import { MARKETS, OPERATION_STATUSES, type Market, type OperationStatus } from '@blockops/domain';

/** Redis keys of the operations index (same prefix as the accounting state it must agree with). */
export function operationKeys(prefix: string) {
  const byStatus = (s: OperationStatus) => `${prefix}:ops:${s}`;
  return {
    /** operation id → record JSON */
    records: `${prefix}:ops`,
    /** operation id → the charge its receipt booked (JSON), written atomically with the receipt */
    charges: `${prefix}:ops:charges`,
    /** operation id → record JSON of a late confirmation not yet announced as an event */
    announce: `${prefix}:ops:announce`,
    byStatus,
    /** the per-status sorted sets, OPERATION_STATUSES order */
    statusSets: OPERATION_STATUSES.map(byStatus),
  };
}
export type OperationKeys = ReturnType<typeof operationKeys>;

/** Redis keys of one accounting store. Checkpoint, balance, state JSON, the reserved total and the chain identity share `state`. */
export function accountingKeys(prefix: string) {
  const market = (m: Market) => `${prefix}:history:${m}`;
  return {
    state: `${prefix}:state`,
    history: `${prefix}:history`,
    market,
    markets: MARKETS.map(market),
    series: `${prefix}:series`,
    reservations: `${prefix}:reservations`,
    ops: operationKeys(prefix),
    /** SCAN pattern of every key of the prefix (glob characters in the prefix escaped) */
    all: `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`,
  };
}
export type AccountingKeys = ReturnType<typeof accountingKeys>;
