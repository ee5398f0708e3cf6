import { unitsOrProblem, type Units } from '../money';
import { analyseDependencies, type Csr } from './dependency-graph';
import { IdIndex } from './id-index';
import {
  CHAIN_MEMO_MAX_BYTES,
  DISBURSEMENT_ID_PATTERN,
  STORED_DISBURSEMENT_ID_PATTERN,
  DISBURSEMENT_ID_RULE,
  MAX_BATCH_ITEMS,
  RESERVED_DISBURSEMENT_IDS,
  destinationProblem,
} from './limits';
import { dependencyIdProblem, scanMemoDependencies } from './memo-dependencies';
import { Spans } from './spans';
import { truncateUtf8 } from './utf8';

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
  /** every well-formed item id of the batch (items with problems included; the first of duplicates) and its index */
  index: IdIndex;
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
// a dependency outside the batch may name an item accepted before ':' was refused in new ids
const DEP_ID = STORED_DISBURSEMENT_ID_PATTERN;
const RESERVED = RESERVED_DISBURSEMENT_IDS;
const CHAIN_MEMO = CHAIN_MEMO_MAX_BYTES;
const destinationOf = destinationProblem;
const unitsOf = unitsOrProblem;
const scanMemo = scanMemoDependencies;
const truncate = truncateUtf8;
const NO_DEPS: string[] = [];
const TOP_KEYS = new Set(['batchId', 'items']);
const ITEM_KEYS = new Set(['id', 'destination', 'amount', 'memo']);
/** A field name as an issue shows it: at most 64 characters. */
const fieldName = (k: string) => (k.length > 64 ? `${k.slice(0, 64)}…` : k);
/**
 * One issue per object for its unknown fields, however many (a body of 200,000 distinct keys would
 * otherwise answer one issue each: a 400 many times the size of the request): the first by name,
 * up to four more in the message, then how many others.
 */
export function unknownFields(
  obj: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  list: string,
): { field: string; message: string } | undefined {
  const unknown: string[] = [];
  let n = 0;
  for (const k in obj) if (!allowed.has(k) && n++ < 5) unknown.push(fieldName(k));
  if (n === 0) return undefined;
  if (n === 1) return { field: unknown[0]!, message: `unknown field (allowed: ${list})` };
  const others = unknown
    .slice(1)
    .map((k) => JSON.stringify(k))
    .join(', ');
  return {
    field: unknown[0]!,
    message: `unknown field, and ${n - 1} more: ${others}${n > 5 ? `, … ${n - 5} others` : ''} (allowed: ${list})`,
  };
}
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return JSON.stringify(s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}…` : s);
};
function issue(issues: BatchIssue[], id: string | undefined, i: number, field: string, message: string) {
  issues.push(id === undefined ? { field: `items[${i}].${field}`, message } : { id, field: `items[${i}].${field}`, message });
}
/** An item's id if it is well-formed (duplicates and reserved ids included), as its problems name it. */
const wellFormedId = (v: unknown): string | undefined => (isRecord(v) && typeof v.id === 'string' && ID.test(v.id) ? v.id : undefined);

/**
 * Checks the whole batch (`{ batchId?, items: [{ id, destination, amount, memo? }] }`), collecting
 * every problem rather than stopping at the first: shapes and limits, unique ids, exact positive
 * amounts, well-formed destinations, memo dependencies (self, cycles by their path). Pure. Written
 * for 10,000-item batches (and 100,000 in the benchmark), where GC time is what grows: per item
 * only what the result keeps is allocated (the item, its units, its dependency list); ids are
 * interned to indices in typed arrays, and memo dependencies are spans of the memo until the
 * batch's ids are all known.
 */
export function parseBatch(body: unknown, opts: { maxItems?: number } = {}): ParsedBatch {
  const maxItems = opts.maxItems ?? MAX_BATCH_ITEMS;
  const issues: BatchIssue[] = [];
  const out: ParsedBatch = { items: [], issues, index: new IdIndex(0), external: [] };
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
  const ctx: ItemContext = { issues, index: (out.index = new IdIndex(n)), spans: new Spans(n * 2), json: undefined, jsonIds: 0 };
  const firstSpan = new Int32Array(n + 1); // item i's dependency spans are spans[firstSpan[i] .. firstSpan[i + 1])
  // sized once and trimmed after: growing by push copies a 100,000-slot array several times
  const items = (out.items = new Array<ValidatedDisbursement>(n));
  let valid = 0;
  for (let i = 0; i < n; i++) {
    firstSpan[i] = ctx.spans.length;
    const item = checkItem(raw[i], i, ctx);
    if (item) items[valid++] = item;
  }
  items.length = valid;
  firstSpan[n] = ctx.spans.length;

  // 2. dependencies inside the batch as compressed rows; self and outside ones set aside
  const graph = linkDependencies(raw as unknown[], firstSpan, ctx, out);
  const { levels, cycles } = analyseDependencies(n, graph);
  for (const cycle of cycles) {
    const path = cycle.map((i) => out.index.idOf(i) ?? `items[${i}]`);
    issues.push({ id: path[0], field: `items[${cycle[0]}].memo`, message: `dependency cycle: ${path.join(' → ')}`, path });
  }
  for (const item of out.items) item.level = levels[item.index]!;
  return out;
}

/** What checkItem leaves, for every item valid or not, for the batch-wide checks. */
interface ItemContext {
  issues: BatchIssue[];
  index: IdIndex;
  /** key-value memo dependencies, as spans of their memo */
  spans: Spans;
  /** JSON memo dependencies (rare), by item index */
  json: Map<number, string[]> | undefined;
  jsonIds: number;
}

function checkItem(v: unknown, i: number, ctx: ItemContext): ValidatedDisbursement | undefined {
  const { issues, index } = ctx;
  if (!isRecord(v)) {
    issues.push({ field: `items[${i}]`, message: 'must be an object { id, destination, amount, memo? }' });
    return undefined;
  }
  const before = issues.length;
  const rawId = v.id;
  const id = typeof rawId === 'string' && ID.test(rawId) ? rawId : undefined;
  const unknownItem = unknownFields(v, ITEM_KEYS, 'id, destination, amount, memo');
  if (unknownItem) issue(issues, id, i, unknownItem.field, unknownItem.message);
  if (rawId === undefined) issue(issues, id, i, 'id', `is required (${DISBURSEMENT_ID_RULE})`);
  else if (id === undefined) issue(issues, id, i, 'id', `must be ${DISBURSEMENT_ID_RULE} (got ${show(rawId)})`);
  else if (RESERVED.has(id)) issue(issues, id, i, 'id', `"${id}" is reserved (it names an API path); use another id`);
  else {
    const first = index.claim(id, i);
    if (first >= 0) issue(issues, id, i, 'id', `duplicate id: also items[${first}]`);
  }

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
  if (memo !== undefined) {
    // dependency ids are checked when linked: one found in the batch is an item id, already checked
    const deps = scanMemo(memo, ctx.spans, false);
    if (typeof deps === 'string') issue(issues, id, i, 'memo', deps);
    else if (deps !== null) {
      (ctx.json ??= new Map()).set(i, deps);
      ctx.jsonIds += deps.length;
    }
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
    dependsOn: NO_DEPS, // set when linked
    level: 0,
  };
  return item;
}

/**
 * Resolves every item's dependencies against the batch's ids, now all known: inside the batch an
 * edge (returned as compressed rows), outside it an external id to look up, itself a problem, an
 * invalid id a problem (the item's first; the rest of its list is then not linked). Valid items
 * get their `dependsOn`, the batch's own id strings where the dependency is in it.
 */
function linkDependencies(raw: unknown[], firstSpan: Int32Array, ctx: ItemContext, out: ParsedBatch): Csr {
  const { issues, index, spans, json } = ctx;
  const n = raw.length;
  const start = new Int32Array(n + 1);
  const list = new Int32Array(spans.count + ctx.jsonIds);
  const items = out.items;
  let next = 0; // items are in index order: the next one's index
  let k = 0;
  for (let i = 0; i < n; i++) {
    start[i] = k;
    const item = next < items.length && items[next]!.index === i ? items[next++] : undefined;
    const s0 = firstSpan[i]!;
    const s1 = firstSpan[i + 1]!;
    // a memo is in one form: its dependencies are spans of it or JSON strings, never both
    const strings = json === undefined || s1 > s0 ? undefined : json.get(i);
    const count = strings !== undefined ? strings.length : (s1 - s0) >> 1;
    if (count === 0) continue;
    const memo = strings !== undefined ? '' : ((raw[i] as Record<string, unknown>).memo as string);
    const owner = index.idOf(i); // undefined: no id, or a duplicate or reserved one (its item has that problem)
    const deps = item === undefined ? undefined : strings !== undefined ? strings : new Array<string>(count);
    let stopped = false;
    for (let d = 0; d < count; d++) {
      const src = strings !== undefined ? strings[d]! : memo;
      const from = strings !== undefined ? 0 : spans.data[s0 + 2 * d]!;
      const to = strings !== undefined ? src.length : spans.data[s0 + 2 * d + 1]!;
      const j = index.find(src, from, to);
      if (deps !== undefined && strings === undefined) deps[d] = j >= 0 ? index.idOf(j)! : src.slice(from, to);
      if (stopped) continue;
      if (j < 0) {
        const dep = deps !== undefined ? deps[d]! : src.slice(from, to);
        if (!DEP_ID.test(dep)) {
          const id = owner ?? wellFormedId(raw[i]);
          issues.push({ ...(id !== undefined ? { id } : {}), field: `items[${i}].memo`, message: dependencyIdProblem(dep) });
          stopped = true;
        } else if (owner !== undefined) out.external.push([i, dep]);
      } else if (owner === undefined) continue;
      else if (j === i) issues.push({ id: owner, field: `items[${i}].memo`, message: 'depends on itself' });
      else list[k++] = j;
    }
    if (item !== undefined) item.dependsOn = deps!;
  }
  start[n] = k;
  return { start, list: list.subarray(0, k) };
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
  for (const [i, dep] of parsed.external) {
    if (lookup.idUsed(dep)) continue;
    issues.push({
      id: parsed.index.idOf(i),
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
export const lookupIds = (parsed: ParsedBatch): string[] => [...parsed.index.ids(), ...new Set(parsed.external.map(([, d]) => d))];
