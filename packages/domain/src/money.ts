/**
 * Money is exact (DESIGN.md "Money"): inside blockops every amount is a `bigint` count of the
 * smallest unit, a micro-token (10^-6). The node's amounts carry at most 2 decimals today; six
 * leave room for a real node with more. Amounts cross JSON boundaries (HTTP, Temporal payloads,
 * Redis, events) as decimal strings ("7016.06") or integer strings of units, never as floats.
 */
export const MONEY_DECIMALS = 6;
export const UNITS_PER_TOKEN = 10n ** BigInt(MONEY_DECIMALS);

/** Integer count of micro-tokens. */
export type Units = bigint;

/** An exact decimal amount as it crosses a JSON boundary: "7016.06" (formatUnits / parseAmount). */
export type DecimalAmount = string;

/**
 * Largest single amount accepted anywhere: 10^12 tokens (what the node accepts as a cost), i.e.
 * 10^18 units, so any one amount fits a Redis int64 (±9.22·10^18) and INCRBY/HINCRBY can add it.
 * Redis totals are int64 and refuse to overflow; totals in Node are bigint and never do.
 */
export const MAX_AMOUNT_UNITS: Units = 10n ** 12n * UNITS_PER_TOKEN;

/** Largest Redis integer (int64): the bound of every total the store keeps (balance, reserved). */
export const MAX_REDIS_INT: Units = 2n ** 63n - 1n;

/**
 * Below 2^33 tokens two amounts one unit apart are always two different doubles (a double's spacing
 * there is 2^-20 < 10^-6), so a JSON number with ≤ 6 decimals is read back exactly as written.
 * Above it they can collide: larger amounts must come as decimal strings.
 */
export const MAX_JSON_NUMBER_TOKENS = 2 ** 33;

export class MoneyError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Why `text` is not an exact amount in units, or undefined when it is. Never throws. */
export function amountProblem(text: string, opts: { allowNegative?: boolean; max?: Units } = {}): string | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return `must be a decimal string like "12.34" (got ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)})`;
  if (m[1] && !opts.allowNegative) return 'must not be negative';
  if ((m[3]?.length ?? 0) > MONEY_DECIMALS) return `must have at most ${MONEY_DECIMALS} decimals`;
  const max = opts.max ?? MAX_AMOUNT_UNITS;
  const units = toUnitsUnchecked(m);
  if ((units < 0n ? -units : units) > max) return `must be at most ${formatUnits(max)}`;
  return undefined;
}

function toUnitsUnchecked(m: RegExpExecArray): Units {
  const frac = (m[3] ?? '').padEnd(MONEY_DECIMALS, '0');
  const units = BigInt(m[2]!) * UNITS_PER_TOKEN + BigInt(frac || '0');
  return m[1] ? -units : units;
}

/** Parses a decimal string ("12.34", "-0.5" with allowNegative) into units; throws MoneyError. */
export function parseAmount(text: string, opts: { allowNegative?: boolean; max?: Units } = {}): Units {
  const problem = amountProblem(text, opts);
  if (problem) throw new MoneyError(`amount ${problem}`);
  return toUnitsUnchecked(DECIMAL.exec(text)!);
}

/**
 * A JSON number from a foreign node, converted to the units of the decimal it was written as. More
 * precision than a unit holds, a non-finite value, or a magnitude where doubles can no longer tell
 * units apart (≥ 2^33 tokens, see MAX_JSON_NUMBER_TOKENS) is refused, never rounded.
 */
export function unitsFromJsonNumber(n: number, opts: { allowNegative?: boolean } = {}): Units {
  if (!Number.isFinite(n)) throw new MoneyError(`amount must be finite (got ${n})`);
  if (n < 0 && !opts.allowNegative) throw new MoneyError('amount must not be negative');
  const abs = Math.abs(n);
  if (abs < 1e9) {
    // Fast path, no string: below 10^9 tokens n·10^6 is within 0.2 of the written units, and the
    // written value had ≤ 6 decimals iff dividing back gives the same double (division is exact-rounded).
    const u = Math.round(n * 1e6);
    if (u / 1e6 !== n) throw new MoneyError(`amount has more than ${MONEY_DECIMALS} decimals (got ${n})`);
    return BigInt(u);
  }
  if (abs >= MAX_JSON_NUMBER_TOKENS)
    throw new MoneyError(
      `amount ${n} is beyond what a JSON number carries exactly: must be at most ${MAX_JSON_NUMBER_TOKENS} as a number (send larger amounts as decimal strings)`,
    );
  // shortest round-trip form: what the node wrote, for any amount in this range with ≤ 6 decimals
  return parseAmount(String(n), opts);
}

/**
 * Units → a JSON number for a foreign node that takes numbers, only when the number reads back as
 * exactly this amount; else a MoneyError (such amounts must be sent as decimal strings).
 */
export function unitsToJsonNumber(units: Units): number {
  const text = formatUnits(units);
  const n = Number(text);
  if (String(n) !== text) throw new MoneyError(`amount ${text} cannot be sent exactly as a JSON number`);
  return n;
}

/** Units → canonical decimal string: no exponent, trailing zeros trimmed ("7016.06", "5", "-0.5"). */
export function formatUnits(units: Units): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const int = abs / UNITS_PER_TOKEN;
  const frac = (abs % UNITS_PER_TOKEN).toString().padStart(MONEY_DECIMALS, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Units as an integer string (Redis, Temporal payloads) and back. */
export const unitsToString = (u: Units): string => u.toString();
export function unitsFromString(s: string): Units {
  if (!/^-?\d+$/.test(s)) throw new MoneyError(`not an integer count of units: ${JSON.stringify(s)}`);
  return BigInt(s);
}

/** A JSON-safe view of T: every bigint (units) becomes its decimal string ("7016.06"). */
export type AsDecimal<T> = T extends bigint
  ? string
  : T extends (infer E)[]
    ? AsDecimal<E>[]
    : T extends object
      ? { [K in keyof T]: AsDecimal<T[K]> }
      : T;

/**
 * Every bigint inside `value` (plain or null-prototype objects, arrays) as its decimal string: what crosses a JSON
 * boundary (HTTP answers, events, Temporal payloads). Other values are kept; the input is not modified.
 */
export function asDecimal<T>(value: T): AsDecimal<T> {
  if (typeof value === 'bigint') return formatUnits(value) as AsDecimal<T>;
  if (Array.isArray(value)) return value.map(asDecimal) as AsDecimal<T>;
  const proto = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) out[k] = asDecimal(v);
    return out as AsDecimal<T>;
  }
  return value as AsDecimal<T>;
}

/**
 * One pass over `text` for hot paths (intake of 10,000-item batches): its units, or why it is not
 * an exact amount (a string, as `amountProblem` words it). Never throws.
 */
export function unitsOrProblem(text: string, opts: { allowNegative?: boolean; max?: Units } = {}): Units | string {
  const fast = plainUnits(text);
  if (fast >= 0) {
    const units = BigInt(fast);
    return units > (opts.max ?? MAX_AMOUNT_UNITS) ? `must be at most ${formatUnits(opts.max ?? MAX_AMOUNT_UNITS)}` : units;
  }
  const m = DECIMAL.exec(text);
  if (!m) return amountProblem(text, opts)!;
  const intPart = m[2]!;
  const fracPart = m[3] ?? '';
  if (m[1] && !opts.allowNegative) return 'must not be negative';
  if (fracPart.length > MONEY_DECIMALS) return `must have at most ${MONEY_DECIMALS} decimals`;
  const abs = BigInt(intPart) * UNITS_PER_TOKEN + BigInt(fracPart.padEnd(MONEY_DECIMALS, '0') || '0');
  const max = opts.max ?? MAX_AMOUNT_UNITS;
  if (abs > max) return `must be at most ${formatUnits(max)}`;
  return m[1] ? -abs : abs;
}

const FRACTION_SCALE = [1e6, 1e5, 1e4, 1e3, 100, 10, 1];
/**
 * The units of a plain unsigned decimal with 1–9 integer digits and at most 6 decimals ("12.34"),
 * computed in a double (exact below 2^53), or -1 for anything else (the exact path decides).
 */
function plainUnits(text: string): number {
  const n = text.length;
  if (n === 0 || n > 16 || MONEY_DECIMALS !== 6) return -1;
  let int = 0;
  let frac = 0;
  let intDigits = 0;
  let fracDigits = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (fracDigits < 0) {
        int = int * 10 + (c - 48);
        intDigits++;
      } else {
        frac = frac * 10 + (c - 48);
        fracDigits++;
      }
    } else if (c === 46 && fracDigits < 0 && intDigits > 0) fracDigits = 0;
    else return -1;
  }
  if (intDigits > 9 || fracDigits === 0 || fracDigits > 6) return -1;
  return int * 1e6 + frac * FRACTION_SCALE[fracDigits < 0 ? 0 : fracDigits]!;
}
