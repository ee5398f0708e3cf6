/**
 * The intake as it was before it was rewritten for allocation (commit 9d60b78): kept only as the
 * oracle of intake-equivalence.test.ts, which checks that the rewrite answers exactly the same.
 */
import { unitsOrProblem, type Units } from '../../../src/money';
import { analyseDependencies, type Csr } from '../../../src/treasury/dependency-graph';
import {
  CHAIN_MEMO_MAX_BYTES,
  DISBURSEMENT_ID_PATTERN,
  STORED_DISBURSEMENT_ID_PATTERN,
  DISBURSEMENT_ID_RULE,
  MAX_BATCH_ITEMS,
  RESERVED_DISBURSEMENT_IDS,
  destinationProblem,
} from '../../../src/treasury/limits';
import { dependencyIdProblem, memoDependencies } from './memo-dependencies';
import { truncateUtf8 } from '../../../src/treasury/utf8';
import { unknownFields } from '../../../src/treasury/batch-validation';

/** One problem of a rejected batch: `id` names the item, `field` where it is; a cycle lists its `path`. */
export interface BatchIssue {
  id?: string;
  field: string;
  message: string;
  path?: string[];
}

/** An item that passed intake: amount exact, dependencies parsed, its level in the batch's DAG. */
export interface ValidatedDisbursement {
  index: number;
  id: string;
  destination: string;
  units: Units;
  memo?: string;
  /** the memo as it goes on chain: at most 1,024 bytes, never splitting a character */
  chainMemo?: string;
  dependsOn: string[];
  /** 0 for items with no dependency inside the batch, else 1 + the deepest one's level */
  level: number;
}

/** What intake must ask the store before it can decide (ids and the batch id used before). */
export interface IntakeLookup {
  idUsed(id: string): boolean;
  batchUsed(batchId: string): boolean;
}

/** The pure first pass: every problem that needs no store, and what to look up. */
export interface ParsedBatch {
  batchId?: string;
  items: ValidatedDisbursement[];
  issues: BatchIssue[];
  /** every well-formed item id of the batch (items with problems included) → its index */
  inBatch: ReadonlyMap<string, number>;
  /** dependencies outside the batch, as [item index, dependency id]: known only if accepted earlier */
  external: [number, string][];
}

export type BatchValidation =
  | { ok: true; batchId?: string; items: ValidatedDisbursement[]; totalUnits: Units; levels: number }
  | {
      ok: false;
      /** every problem, reuse included */
      issues: BatchIssue[];
      /** only reuse (batch id or item ids already used): the API answers 409 instead of 400 */
      conflictOnly: boolean;
      conflicts: { batchId?: string; ids: string[] };
    };

// module-local bindings: read once, not through the module namespace on every one of 100,000 items
const ID = DISBURSEMENT_ID_PATTERN;
const RESERVED = RESERVED_DISBURSEMENT_IDS;
const CHAIN_MEMO = CHAIN_MEMO_MAX_BYTES;
const destinationOf = destinationProblem;
const unitsOf = unitsOrProblem;
const depsOf = memoDependencies;
const truncate = truncateUtf8;
const NO_DEPS: string[] = [];
const UNCHECKED_IDS = { checkIds: false };
const TOP_KEYS = new Set(['batchId', 'items']);
const ITEM_KEYS = new Set(['id', 'destination', 'amount', 'memo']);
// how unknown fields are reported is shared with the rewrite (it came after the rewrite, not before it)
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return JSON.stringify(s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}…` : s);
};
function issue(issues: BatchIssue[], id: string | undefined, i: number, field: string, message: string) {
  issues.push(id === undefined ? { field: `items[${i}].${field}`, message } : { id, field: `items[${i}].${field}`, message });
}

/**
 * Checks the whole batch (`{ batchId?, items: [{ id, destination, amount, memo? }] }`), collecting
 * every problem rather than stopping at the first: shapes and limits, unique ids, exact positive
 * amounts, well-formed destinations, memo dependencies (self, cycles by their path). Pure. Written
 * for 10,000-item batches (and 100,000 in the benchmark): one pass per item, no per-item closures.
 */
export function parseBatch(body: unknown, opts: { maxItems?: number } = {}): ParsedBatch {
  const maxItems = opts.maxItems ?? MAX_BATCH_ITEMS;
  const issues: BatchIssue[] = [];
  const inBatch = new Map<string, number>();
  const out: ParsedBatch = { items: [], issues, inBatch, external: [] };
  if (!isRecord(body)) {
    issues.push({ field: '(body)', message: 'must be a JSON object { "batchId"?, "items": [...] }' });
    return out;
  }
  const unknownTop = unknownFields(body, TOP_KEYS, 'batchId, items');
  if (unknownTop) issues.push(unknownTop);
  if (body.batchId !== undefined) {
    if (typeof body.batchId !== 'string' || !ID.test(body.batchId))
      issues.push({ field: 'batchId', message: `must be ${DISBURSEMENT_ID_RULE} (got ${show(body.batchId)})` });
    else out.batchId = body.batchId;
  }
  const raw = body.items;
  if (!Array.isArray(raw)) {
    issues.push({ field: 'items', message: `must be an array of 1–${maxItems.toLocaleString('en')} disbursements` });
    return out;
  }
  if (raw.length === 0) issues.push({ field: 'items', message: 'must hold at least 1 disbursement' });
  if (raw.length > maxItems) {
    issues.push({ field: 'items', message: `holds ${raw.length} disbursements; at most ${maxItems.toLocaleString('en')}` });
    return out;
  }

  // 1. each item on its own; the dependencies of items with other problems are still checked
  const n = raw.length;
  const ctx: ItemContext = { issues, inBatch, ids: new Array(n), deps: new Array(n) };
  const candidates: (ValidatedDisbursement | undefined)[] = new Array(n);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    candidates[i] = checkItem(raw[i], i, ctx);
    edges += ctx.deps[i]!.length;
  }

  // 2. dependencies inside the batch as compressed rows; self and outside ones set aside
  const start = new Int32Array(n + 1);
  const list = new Int32Array(edges);
  let k = 0;
  for (let i = 0; i < n; i++) {
    start[i] = k;
    const id = ctx.ids[i];
    const deps = ctx.deps[i]!;
    for (let d = 0; d < deps.length; d++) {
      const dep = deps[d]!;
      const j = inBatch.get(dep);
      if (j === undefined && !STORED_DISBURSEMENT_ID_PATTERN.test(dep)) {
        issues.push({ ...(id !== undefined ? { id } : {}), field: `items[${i}].memo`, message: dependencyIdProblem(dep) });
        break;
      }
      if (id === undefined || inBatch.get(id) !== i) continue; // no id, or a duplicate: the first one stands
      if (dep === id) issues.push({ id, field: `items[${i}].memo`, message: 'depends on itself' });
      else if (j === undefined) out.external.push([i, dep]);
      else list[k++] = j;
    }
  }
  start[n] = k;
  const graph: Csr = { start, list: list.subarray(0, k) };
  const { levels, cycles } = analyseDependencies(n, graph);
  for (const cycle of cycles) {
    const path = cycle.map((i) => ctx.ids[i] ?? `items[${i}]`);
    issues.push({ id: path[0], field: `items[${cycle[0]}].memo`, message: `dependency cycle: ${path.join(' → ')}`, path });
  }
  for (let i = 0; i < n; i++) {
    const item = candidates[i];
    if (!item) continue;
    item.level = levels[i]!;
    out.items.push(item);
  }
  return out;
}

/** Where checkItem leaves, for every item valid or not, its id and dependencies for the batch-wide checks. */
interface ItemContext {
  issues: BatchIssue[];
  inBatch: Map<string, number>;
  ids: (string | undefined)[];
  deps: string[][];
}

function checkItem(v: unknown, i: number, ctx: ItemContext): ValidatedDisbursement | undefined {
  const { issues, inBatch } = ctx;
  ctx.deps[i] = NO_DEPS;
  if (!isRecord(v)) {
    issues.push({ field: `items[${i}]`, message: 'must be an object { id, destination, amount, memo? }' });
    return undefined;
  }
  const before = issues.length;
  const rawId = v.id;
  const id = typeof rawId === 'string' && ID.test(rawId) ? rawId : undefined;
  ctx.ids[i] = id;
  const unknownItem = unknownFields(v, ITEM_KEYS, 'id, destination, amount, memo');
  if (unknownItem) issue(issues, id, i, unknownItem.field, unknownItem.message);
  if (rawId === undefined) issue(issues, id, i, 'id', `is required (${DISBURSEMENT_ID_RULE})`);
  else if (id === undefined) issue(issues, id, i, 'id', `must be ${DISBURSEMENT_ID_RULE} (got ${show(rawId)})`);
  else if (RESERVED.has(id)) issue(issues, id, i, 'id', `"${id}" is reserved (it names an API path); use another id`);
  else if (inBatch.has(id)) issue(issues, id, i, 'id', `duplicate id: also items[${inBatch.get(id)}]`);
  else inBatch.set(id, i);

  const destination = v.destination;
  if (destination === undefined) issue(issues, id, i, 'destination', 'is required');
  else if (typeof destination !== 'string') issue(issues, id, i, 'destination', `must be a string (got ${show(destination)})`);
  else {
    const p = destinationOf(destination);
    if (p) issue(issues, id, i, 'destination', `${p} (got ${show(destination)})`);
  }

  const amount = v.amount;
  let units: Units | undefined;
  if (amount === undefined) issue(issues, id, i, 'amount', 'is required (a decimal string like "12.34")');
  else if (typeof amount !== 'string')
    issue(issues, id, i, 'amount', `must be a decimal string like "12.34" (got the ${typeof amount} ${show(amount)})`);
  else {
    const u = unitsOf(amount);
    if (typeof u === 'string') issue(issues, id, i, 'amount', u);
    else if (u <= 0n) issue(issues, id, i, 'amount', 'must be greater than 0');
    else units = u;
  }

  const memo = v.memo;
  let dependsOn = NO_DEPS;
  if (memo !== undefined) {
    // dependency ids are checked below: one found in the batch is an item id, already checked
    const deps = depsOf(memo, UNCHECKED_IDS);
    if (typeof deps === 'string') issue(issues, id, i, 'memo', deps);
    else dependsOn = ctx.deps[i] = deps;
  }
  if (issues.length > before || id === undefined || units === undefined) return undefined;
  // one shape for every item (memo fields present, maybe undefined): monomorphic for the loops that follow
  const item: ValidatedDisbursement = {
    index: i,
    id,
    destination: destination as string,
    units,
    memo: typeof memo === 'string' ? memo : undefined,
    chainMemo: typeof memo === 'string' ? truncate(memo, CHAIN_MEMO) : undefined,
    dependsOn,
    level: 0,
  };
  return item;
}

/** The second pass, with the store's answers: ids used before (409) and dependencies known nowhere. */
export function finishBatch(parsed: ParsedBatch, lookup: IntakeLookup): BatchValidation {
  const issues = [...parsed.issues];
  const reuse: BatchIssue[] = [];
  const conflicts: { batchId?: string; ids: string[] } = { ids: [] };
  if (parsed.batchId !== undefined && lookup.batchUsed(parsed.batchId)) {
    conflicts.batchId = parsed.batchId;
    reuse.push({ field: 'batchId', message: `batch id ${show(parsed.batchId)} was already used` });
  }
  for (const item of parsed.items) {
    if (lookup.idUsed(item.id)) {
      conflicts.ids.push(item.id);
      reuse.push({ id: item.id, field: `items[${item.index}].id`, message: 'already used by an earlier batch (ids are never reused)' });
    }
  }
  let byIndex: Map<number, string> | undefined; // built only when a dependency is unknown
  for (const [i, dep] of parsed.external) {
    if (lookup.idUsed(dep)) continue;
    byIndex ??= new Map([...parsed.inBatch].map(([id, index]) => [index, id]));
    issues.push({
      id: byIndex.get(i),
      field: `items[${i}].memo`,
      message: `depends on ${show(dep)}, which is neither in this batch nor accepted earlier`,
    });
  }
  if (issues.length || reuse.length) {
    return { ok: false, issues: [...issues, ...reuse], conflictOnly: issues.length === 0, conflicts };
  }
  let totalUnits = 0n;
  let levels = 0;
  for (const item of parsed.items) {
    totalUnits += item.units;
    if (item.level + 1 > levels) levels = item.level + 1;
  }
  return { ok: true, batchId: parsed.batchId, items: parsed.items, totalUnits, levels };
}

/** Both passes with a synchronous lookup (tests, benchmarks, a store already read). */
export const validateBatch = (body: unknown, lookup: IntakeLookup, opts: { maxItems?: number } = {}): BatchValidation =>
  finishBatch(parseBatch(body, opts), lookup);

/** Every id intake must look up in the store: the batch's own ids and its dependencies outside it. */
export const lookupIds = (parsed: ParsedBatch): string[] => [...parsed.inBatch.keys(), ...new Set(parsed.external.map(([, d]) => d))];
