import { DISBURSEMENT_ID_RULE, STORED_DISBURSEMENT_ID_PATTERN, MAX_DEPENDENCIES, MEMO_MAX_BYTES } from './limits';
import { Spans } from './spans';
import { utf8ByteLength } from './utf8';

/**
 * The dependencies a disbursement memo declares (seed 003), in first-seen order, duplicates removed.
 * `format` says where they came from; a memo that never mentions `depends_on` has none.
 */
export type MemoDependencies =
  { ok: true; dependsOn: string[]; format: 'none' | 'json' | 'key-value' } | { ok: false; problem: string; dependsOn: [] };

const ANY_CASE = /depends_on/i;
// the same, searched from a position (lastIndex) instead of on a slice; test() builds no match
// object. Only nextKey uses it, and sets lastIndex before every search.
const ANY_CASE_FROM = /depends_on/gi;
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

export const dependencyIdProblem = (id: string) => `dependency ${show(id)} is not a valid id (${DISBURSEMENT_ID_RULE})`;

/** The dependencies as strings, or the problem as a string (ids checked unless `checkIds: false`). Never throws. */
export function memoDependencies(memo: unknown, opts: { checkIds?: boolean } = {}): string[] | string {
  const spans = new Spans(4);
  const r = scanMemoDependencies(memo, spans, opts.checkIds ?? true);
  if (r !== null) return r;
  const ids = new Array<string>(spans.count);
  for (let k = 0; k < spans.length; k += 2) ids[k >> 1] = (memo as string).slice(spans.data[k], spans.data[k + 1]);
  return ids;
}

/**
 * The parser itself, for intake's loop over 100,000 memos. A key-value memo's dependencies are
 * appended to `out` as spans of the memo (nothing allocated per id), and it returns null; so does
 * a memo without dependencies. A JSON memo's are returned as strings (JSON may escape them). A
 * problem is returned as a string and leaves `out` as it was. Either way duplicates are removed
 * (first seen kept) and the limits checked; ids too unless the caller checks them itself (intake
 * knows the batch's ids). Never throws.
 */
export function scanMemoDependencies(memo: unknown, out: Spans, checkIds: boolean): string | string[] | null {
  const start = out.length;
  try {
    if (memo === undefined || memo === null) return null;
    if (typeof memo !== 'string') return 'memo must be a string';
    if (memo.length * 3 > MAX_BYTES) {
      const bytes = utf8ByteLength(memo);
      if (bytes > MAX_BYTES) return `memo is ${bytes} bytes; at most ${MAX_BYTES} bytes (8 KiB)`;
    }
    if (memo.indexOf('depends_on') < 0 && !ANY_CASE.test(memo)) return null;
    if (memo.trimStart().startsWith('{')) {
      const ids = parseJson(memo);
      return typeof ids === 'string' ? ids : finishIds(ids, checkIds);
    }
    const problem = scanKeyValue(memo, out) ?? finishSpans(memo, out, start, checkIds);
    if (problem === undefined) return null;
    out.length = start;
    return problem;
  } catch (err) {
    // unreachable by construction; the guarantee "never throws" does not rest on that
    out.length = start;
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

/** The next `depends_on` at or after `from`, any case (without the u flag only ASCII letters fold: always 10 characters). */
function nextKey(memo: string, from: number): number {
  ANY_CASE_FROM.lastIndex = from;
  return ANY_CASE_FROM.test(memo) ? ANY_CASE_FROM.lastIndex - KEY_LENGTH : -1;
}

/** Appends the ids of every `depends_on=` / `depends_on:` list to `out`; a problem if none is declared. */
function scanKeyValue(memo: string, out: Spans): string | undefined {
  let declared = false;
  let key = nextKey(memo, 0);
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
        if (i > from) out.push(from, i);
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
  return undefined;
}

function spanEquals(s: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (; a < aEnd; a++, b++) if (s.charCodeAt(a) !== s.charCodeAt(b)) return false;
  return true;
}

/** Duplicates of the spans from `start` removed in place (first seen kept), then the ids and their count checked. */
function finishSpans(memo: string, out: Spans, start: number, checkIds: boolean): string | undefined {
  const d = out.data;
  const n = (out.length - start) >> 1;
  let w = start + 2;
  if (n > 8) {
    // many ids (up to thousands in 8 KiB): a set, not pairwise comparisons
    const seen = new Set<string>([memo.slice(d[start], d[start + 1])]);
    for (let r = start + 2; r < out.length; r += 2) {
      const id = memo.slice(d[r], d[r + 1]);
      if (seen.has(id)) continue;
      seen.add(id);
      d[w++] = d[r]!;
      d[w++] = d[r + 1]!;
    }
    out.length = w;
  } else if (n > 1) {
    for (let r = start + 2; r < out.length; r += 2) {
      let seen = false;
      for (let q = start; q < w && !seen; q += 2) seen = spanEquals(memo, d[q]!, d[q + 1]!, d[r]!, d[r + 1]!);
      if (seen) continue;
      d[w++] = d[r]!;
      d[w++] = d[r + 1]!;
    }
    out.length = w;
  }
  if (checkIds) {
    for (let k = start; k < out.length; k += 2) {
      const id = memo.slice(d[k], d[k + 1]);
      if (!ID.test(id)) return dependencyIdProblem(id);
    }
  }
  const count = (out.length - start) >> 1;
  if (count > MAX_DEPS) return `${count} dependencies; at most ${MAX_DEPS}`;
  return undefined;
}

/** The same for a JSON memo's ids (strings). */
function finishIds(ids: string[], checkIds: boolean): string[] | string {
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
