/**
 * node-redis defines `class VerbatimString extends String`. In V8 11 (Node 20) that puts
 * String.prototype into dictionary mode, and from then on every string builtin call in the process
 * (charCodeAt, codePointAt, slice, indexOf…) loses its inlined fast path: charCodeAt loops ran
 * 3–4× slower, and treasury intake validation of 100,000 items took ~1.7× as long in any process
 * that had loaded redis (the web app, the worker, the bench). V8 turns a prototype back into fast
 * mode when optimized code reads a property through an object that inherits from it; this loop is
 * long enough to be optimized on the stack and does that once. Run after redis is loaded; it costs
 * well under a millisecond, and nothing where V8 does not need it.
 */
export function restoreStringPrototypeFastMode(): void {
  const heir = Object.create(String.prototype) as { charCodeAt?: unknown };
  let found = 0;
  for (let i = 0; i < 20_000; i++) if (heir.charCodeAt !== undefined) found++;
  // the count is used, so the reads are not optimized away
  if (found !== 20_000) throw new Error('String.prototype.charCodeAt is missing');
}
