import { z } from 'zod';
import { RPC, RpcError } from './rpc-errors';

/** Params are a strict object: an unknown key is an error naming it, not silently ignored. */
export const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

/** Validates params; the -32602 error names the first bad param and its limit. */
export function parse<T extends z.ZodType>(schema: T, params: unknown): z.infer<T> {
  const r = schema.safeParse(params ?? {});
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  const name = i.path.join('.') || (i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys?.join(', ') : 'params');
  throw new RpcError(RPC.INVALID_PARAMS, `invalid params: ${name}: ${i.message}`, { param: name });
}
