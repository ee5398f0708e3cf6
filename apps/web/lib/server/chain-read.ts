import { isClassifiedError } from '@blockops/domain';
import { json, problem } from './http';

/** Answers with the node's data, or 502 naming the node's failure (the console shows it as is). */
export async function fromChain<T>(read: () => Promise<T>, shape: (v: T) => unknown = (v) => v): Promise<Response> {
  try {
    const value = await read();
    return json(shape(value));
  } catch (err) {
    if (isClassifiedError(err)) return problem(502, `The Block node: ${err.message}`, { errorClass: err.errorClass });
    throw err;
  }
}

export const now = () => Math.floor(Date.now() / 1000);
