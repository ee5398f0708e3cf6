import { MARKETS, type Market } from '@blockops/domain';

/** Redis keys of one accounting store. Checkpoint, balance, state JSON and the reserved total share `state`. */
export function accountingKeys(prefix: string) {
  const market = (m: Market) => `${prefix}:history:${m}`;
  return {
    state: `${prefix}:state`,
    history: `${prefix}:history`,
    market,
    markets: MARKETS.map(market),
    series: `${prefix}:series`,
    reservations: `${prefix}:reservations`,
    /** SCAN pattern of every key of the prefix (glob characters in the prefix escaped) */
    all: `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`,
  };
}
export type AccountingKeys = ReturnType<typeof accountingKeys>;
