/** The limits of treasury intake (issue 10, seed 003). Error messages name them. */
export const MAX_BATCH_ITEMS = 10_000;
/** A memo may hold up to 8 KiB (UTF-8 bytes) at intake. */
export const MEMO_MAX_BYTES = 8 * 1024;
/** What goes on chain: the memo truncated to this many bytes (never splitting a character). */
export const CHAIN_MEMO_MAX_BYTES = 1024;
export const MAX_DEPENDENCIES = 100;
/**
 * Item and batch ids: 1–64 of letters, digits, `_ . -`. No `:`: the store names keys
 * `<prefix>:i:<id>:dn` and `<prefix>:b:<batch>:it` (and `<prefix>:i:<id>`, the layout before per-batch state),
 * so an id holding `:` could be another's key (item `x:dn`, batch `k:it`) — until 2026-12-06 it was allowed.
 */
export const DISBURSEMENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const DISBURSEMENT_ID_RULE = '1–64 characters of letters, digits, _ . -';
/** Ids as reads accept them: items and batches accepted before that change may hold `:`. */
export const STORED_DISBURSEMENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Item ids that name API paths (/api/disbursements/batches, /throttle) cannot be items. */
export const RESERVED_DISBURSEMENT_IDS: ReadonlySet<string> = new Set(['batches', 'throttle']);
/**
 * The intake request body limit: 10,000 items with 8 KiB memos of plain text, ids, destinations
 * and amounts at their limits, as JSON (96 MiB). Beyond it: 413 naming the limit.
 */
export const MAX_BATCH_BODY_BYTES = 96 * 1024 * 1024;
/** A destination is well-formed when it is 0x and 4–64 hex digits, and not the zero address. */
export const DESTINATION_PATTERN = /^0x[0-9a-fA-F]{4,64}$/;
export const DESTINATION_RULE = '0x followed by 4–64 hex digits, not the zero address';

// hoisted: a regex literal in the arrow's body is a new RegExp object per call (100,000 per intake in the benchmark)
const ZERO_ADDRESS = /^0x0+$/;
export const destinationProblem = (d: string): string | undefined =>
  !DESTINATION_PATTERN.test(d) ? `must be ${DESTINATION_RULE}` : ZERO_ADDRESS.test(d) ? 'must not be the zero address' : undefined;
