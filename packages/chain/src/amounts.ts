import { z } from 'zod';
import { parseAmount, unitsFromJsonNumber, unitsToJsonNumber, type Units } from '@blockops/domain';

/**
 * Amounts at the edge (DESIGN "Money"): the node writes them as JSON numbers (or, a node with more
 * precision, decimal strings); blockops holds them as bigint micro-token units. An amount with
 * more precision than a unit, or too large to read exactly, makes the answer a `bad_response`.
 */
const AMOUNTS = new WeakMap<z.ZodType, { allowNegative: boolean }>();

function toUnits(v: number | string, allowNegative: boolean): Units {
  return typeof v === 'number' ? unitsFromJsonNumber(v, { allowNegative }) : parseAmount(v, { allowNegative });
}

/** A money field of a node answer: number or decimal string in, bigint units out. */
export function nodeAmount(opts: { allowNegative?: boolean } = {}) {
  const allowNegative = opts.allowNegative ?? false;
  const schema = z.union([allowNegative ? z.number() : z.number().nonnegative(), z.string()]).transform((v, ctx) => {
    try {
      return toUnits(v, allowNegative);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
  AMOUNTS.set(schema, { allowNegative });
  return schema;
}

/** An amount in a call's params: units → the JSON number the node takes, only if it is exact. */
export const amountParam = (units: Units): number => unitsToJsonNumber(units);

class AmountAt extends Error {
  constructor(
    message: string,
    readonly path: Array<string | number>,
  ) {
    super(message);
  }
}

/** Converts holder[key] in place; throws AmountAt naming the path of a bad amount. */
type Convert = (holder: Record<string | number, unknown>, key: string | number) => void;

const within = (key: string | number, convert: () => void) => {
  try {
    convert();
  } catch (err) {
    if (err instanceof AmountAt) err.path.unshift(key);
    throw err;
  }
};

type ZodDef = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
};
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: ZodDef } })._zod.def;

/**
 * Builds, from a result schema, the in-place conversion of its amount fields (null when it has
 * none). The compiled validator checks answers without copying them (validate.ts); this then
 * replaces only the amounts, so the schemas stay the one description of where money is.
 */
function compile(schema: z.ZodType): Convert | null {
  const amount = AMOUNTS.get(schema);
  if (amount) {
    const { allowNegative } = amount;
    return (holder, key) => {
      const v = holder[key];
      if (typeof v === 'bigint') return;
      try {
        holder[key] = toUnits(v as number | string, allowNegative);
      } catch (err) {
        throw new AmountAt((err as Error).message, [key]);
      }
    };
  }
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const fields = Object.entries(def.shape ?? {}).flatMap(([k, s]) => {
        const c = compile(s);
        return c ? [[k, c] as const] : [];
      });
      if (fields.length === 0) return null;
      return (holder, key) => {
        const o = holder[key] as Record<string, unknown> | null;
        if (o === null || typeof o !== 'object') return;
        within(key, () => {
          for (const [k, c] of fields) if (o[k] !== undefined) c(o, k);
        });
      };
    }
    case 'array': {
      const c = compile(def.element!);
      if (!c) return null;
      return (holder, key) => {
        const a = holder[key] as unknown[];
        if (!Array.isArray(a)) return;
        within(key, () => {
          for (let i = 0; i < a.length; i++) c(a as unknown as Record<number, unknown>, i);
        });
      };
    }
    case 'record': {
      const c = compile(def.valueType!);
      if (!c) return null;
      return (holder, key) => {
        const o = holder[key] as Record<string, unknown> | null;
        if (o === null || typeof o !== 'object') return;
        within(key, () => {
          for (const k of Object.keys(o)) c(o, k);
        });
      };
    }
    case 'nullable':
    case 'optional': {
      const c = compile(def.innerType!);
      if (!c) return null;
      return (holder, key) => {
        if (holder[key] !== null && holder[key] !== undefined) c(holder, key);
      };
    }
    default:
      return null;
  }
}

const compiled = new WeakMap<z.ZodType, Convert | null>();

/**
 * Converts the amount fields of an answer that passed the schema's compiled check, in place.
 * Returns undefined, or the path and message of the first amount that cannot be held exactly.
 */
export function convertAmounts(schema: z.ZodType, value: unknown): { path: string; message: string } | undefined {
  let c = compiled.get(schema);
  if (c === undefined) {
    c = compile(schema);
    compiled.set(schema, c);
  }
  if (!c) return undefined;
  try {
    c({ value }, 'value');
    return undefined;
  } catch (err) {
    if (!(err instanceof AmountAt)) throw err;
    return { path: err.path.slice(1).join('.') || 'result', message: err.message };
  }
}
