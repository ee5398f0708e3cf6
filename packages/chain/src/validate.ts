import Ajv, { type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { convertAmounts } from './amounts';

/**
 * Result validation with the zod schemas as the single source of truth, run as an Ajv validator
 * compiled from each schema's JSON Schema (z.toJSONSchema, once per schema).
 *
 * Why not schema.safeParse on every answer: zod builds a validated copy of every object, and for
 * receipt.audit pages (1,000 receipts, ~250 KB) that second copy doubled the client's garbage
 * collection — under load the client served ~30% fewer pages than a bare HTTP round trip. The
 * compiled validator checks the parsed JSON in place (no copy). The schemas have no defaults and one
 * transform, money (amounts.ts), which is applied in place after the check: an amount becomes bigint
 * units, or the answer is refused naming the amount's path. So the checks are zod's; unknown fields
 * a newer node adds are kept, not stripped. On a failure zod re-checks the value, so error messages
 * stay zod's (path + message).
 */
const ajv = new Ajv({ strict: false, allErrors: false });
const compiled = new WeakMap<z.ZodType, ValidateFunction | null>();

function validatorFor(schema: z.ZodType): ValidateFunction | null {
  let v = compiled.get(schema);
  if (v === undefined) {
    try {
      v = ajv.compile(z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'throw' }));
    } catch {
      v = null; // not expressible as JSON Schema: zod validates it directly
    }
    compiled.set(schema, v);
  }
  return v;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; path: string; message: string };

/** Validates `value` against `schema`; the value is returned (amounts converted in place, not copied) when it passes. */
export function check<T>(schema: z.ZodType<T>, value: unknown): Checked<T> {
  const fast = validatorFor(schema);
  if (fast && fast(value)) {
    const bad = convertAmounts(schema, value);
    return bad ? { ok: false, ...bad } : { ok: true, value: value as T };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data }; // the fast path was stricter than zod: zod decides
  const issue = parsed.error.issues[0];
  return { ok: false, path: issue?.path.join('.') || 'result', message: issue?.message ?? 'invalid' };
}

/** Whether `schema` runs on the compiled (no-copy) path; tests hold every result schema to it. */
export const isCompiled = (schema: z.ZodType) => validatorFor(schema) !== null;
