/**
 * The intake as it was before it was rewritten for allocation (commit 9d60b78): kept only as the
 * oracle of intake-equivalence.test.ts, which checks that the rewrite answers exactly the same.
 */
import { DISBURSEMENT_ID_RULE, STORED_DISBURSEMENT_ID_PATTERN, MAX_DEPENDENCIES, MEMO_MAX_BYTES } from '../../../src/treasury/limits';
import { utf8ByteLength } from '../../../src/treasury/utf8';

/**
 * The dependencies a disbursement memo declares (seed 003), in first-seen order, duplicates removed.
 * `format` says where they came from; a memo that never mentions `depends_on` has none.
 */
export type MemoDependencies =
  { ok: true; dependsOn: string[]; format: 'none' | 'json' | 'key-value' } | { ok: false; problem: string; dependsOn: [] };

const ANY_CASE = /depends_on/i;
// module-local bindings: read once, not through the module namespace on every memo
// a dependency may name an item accepted before ':' was refused in new ids
const ID = STORED_DISBURSEMENT_ID_PATTERN;
const MAX_BYTES = MEMO_MAX_BYTES;
const MAX_DEPS = MAX_DEPENDENCIES;
const show = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

/**
 * Parses the dependency list of a memo: JSON `{"depends_on": ["a", "b"]}` or key-value
 * `depends_on=a,b,c` (ids separated by commas, optional spaces around them; the list ends at other
 * whitespace, `;`, `&` or `|`). Pure, linear in the memo, and never throws on any input.
 *
 * Strict on purpose — a dependency silently lost would pay an item before the one it waits for:
 * a memo that mentions `depends_on` must declare it in one of the two forms, with valid ids.
 */
export function parseMemoDependencies(memo: unknown): MemoDependencies {
  const r = memoDependencies(memo);
  if (typeof r === 'string') return { ok: false, problem: r, dependsOn: [] };
  if (r.length === 0 && !(typeof memo === 'string' && ANY_CASE.test(memo))) return { ok: true, dependsOn: [], format: 'none' };
  return { ok: true, dependsOn: r, format: typeof memo === 'string' && memo.trimStart().startsWith('{') ? 'json' : 'key-value' };
}

const NONE: string[] = [];
export const dependencyIdProblem = (id: string) => `dependency ${show(id)} is not a valid id (${DISBURSEMENT_ID_RULE})`;
/**
 * The same, for hot loops (intake of 100,000 items): the dependencies, or the problem as a string.
 * A memo without `depends_on` allocates nothing. Never throws.
 */
export function memoDependencies(memo: unknown, opts: { checkIds?: boolean } = {}): string[] | string {
  try {
    if (memo === undefined || memo === null) return NONE;
    if (typeof memo !== 'string') return 'memo must be a string';
    if (memo.length * 3 > MAX_BYTES) {
      const bytes = utf8ByteLength(memo);
      if (bytes > MAX_BYTES) return `memo is ${bytes} bytes; at most ${MAX_BYTES} bytes (8 KiB)`;
    }
    const lower = memo.indexOf('depends_on');
    if (lower < 0 && !ANY_CASE.test(memo)) return NONE;
    const ids = memo.trimStart().startsWith('{') ? parseJson(memo) : parseKeyValue(memo, lower);
    return typeof ids === 'string' ? ids : finish(ids, opts.checkIds ?? true);
  } catch (err) {
    // unreachable by construction; the guarantee "never throws" does not rest on that
    return `memo could not be read (${err instanceof Error ? err.message : String(err)})`;
  }
}

function parseJson(memo: string): string[] | string {
  let value: unknown;
  try {
    value = JSON.parse(memo);
  } catch (err) {
    return `memo starts with "{" and mentions depends_on but is not valid JSON (${(err as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a JSON memo must be an object';
  const keys = Object.keys(value).filter((k) => k.toLowerCase() === 'depends_on');
  if (keys.length === 0) return 'JSON memo mentions depends_on but has no top-level "depends_on" array';
  const ids: string[] = [];
  for (const k of keys) {
    const list = (value as Record<string, unknown>)[k];
    if (!Array.isArray(list)) return `"${k}" must be an array of ids`;
    for (let i = 0; i < list.length; i++) {
      const v: unknown = list[i];
      if (typeof v === 'string') ids.push(v);
      else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) ids.push(String(v));
      else return `"${k}"[${i}] must be an id string (got ${typeof v === 'object' ? JSON.stringify(v)?.slice(0, 40) : String(v)})`;
    }
  }
  return ids;
}

const KEY_LENGTH = 'depends_on'.length;
const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number) => c === 32 || c === 9;
const ends = (c: number) => c !== c || c <= 32 || c === 44 || c === 59 || c === 38 || c === 124; // NaN (end), space/control, , ; & |

/** The next `depends_on` at or after `from`, any case (`lower` = the next lowercase one, found by the caller). */
function nextKey(memo: string, from: number): number {
  const exact = memo.indexOf('depends_on', from);
  // a differently cased key (rare) only matters before the next lowercase one
  const rest = exact < 0 ? memo.slice(from) : memo.slice(from, exact);
  const m = ANY_CASE.exec(rest);
  return m ? from + m.index : exact;
}

function parseKeyValue(memo: string, lower: number): string[] | string {
  const ids: string[] = [];
  let declared = false;
  let key = lower >= 0 && !ANY_CASE.test(memo.slice(0, lower)) ? lower : nextKey(memo, 0);
  while (key >= 0) {
    let i = key + KEY_LENGTH;
    const word = key > 0 && isWordChar(memo.charCodeAt(key - 1)); // part of a longer word
    while (isSpace(memo.charCodeAt(i))) i++;
    const sep = memo.charCodeAt(i);
    if (!word && (sep === 61 || sep === 58)) {
      // `=` or `:`: ids separated by commas (spaces around a comma allowed); the list ends anywhere else
      declared = true;
      i++;
      while (isSpace(memo.charCodeAt(i))) i++;
      for (;;) {
        const from = i;
        while (i < memo.length && !ends(memo.charCodeAt(i))) i++;
        if (i > from) ids.push(memo.slice(from, i));
        let j = i;
        while (isSpace(memo.charCodeAt(j))) j++;
        if (memo.charCodeAt(j) !== 44) break;
        j++;
        while (isSpace(memo.charCodeAt(j))) j++;
        i = j;
      }
    } else i = key + KEY_LENGTH; // just the word in prose
    key = nextKey(memo, i);
  }
  if (!declared) return 'memo mentions depends_on but not as depends_on=a,b,c or as JSON {"depends_on": [...]}';
  return ids;
}

/** Duplicates removed (first seen kept); ids checked unless the caller checks them (intake knows the batch's). */
function finish(ids: string[], checkIds: boolean): string[] | string {
  let unique = ids;
  if (ids.length > 8) unique = [...new Set(ids)];
  else {
    for (let a = 1; a < ids.length && unique === ids; a++)
      if (ids.lastIndexOf(ids[a]!, a - 1) >= 0) unique = ids.filter((d, k) => ids.indexOf(d) === k);
  }
  if (checkIds) {
    for (let k = 0; k < unique.length; k++) {
      if (!ID.test(unique[k]!)) return dependencyIdProblem(unique[k]!);
    }
  }
  if (unique.length > MAX_DEPS) return `${unique.length} dependencies; at most ${MAX_DEPS}`;
  return unique;
}
