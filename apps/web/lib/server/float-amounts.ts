/**
 * STOPGAP until `money` lands: the accounting and operations stores still keep amounts as floats.
 * These two functions are the only place the web turns such a float into an exact amount; when the
 * stores hold bigint units (packages/domain/src/money.ts), `formatUnits` replaces `toDecimal`, the
 * units are read directly instead of through `toUnits`, and this module goes.
 */
import { MONEY_DECIMALS, formatUnits, parseAmount, type Units } from '@blockops/domain';

/** A stored float amount as exact units (a float sum such as 0.1 + 0.2 is rounded to the unit it stands for). */
export const toUnits = (v: number | bigint): Units =>
  typeof v === 'bigint' ? v : parseAmount(v.toFixed(MONEY_DECIMALS), { allowNegative: true });

/** A stored float amount as the decimal string every answer carries ("7016.06"). */
export const toDecimal = (n: number): string => formatUnits(toUnits(n));
