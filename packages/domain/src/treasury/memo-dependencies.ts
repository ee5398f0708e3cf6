import { DISBURSEMENT_ID_PATTERN, DISBURSEMENT_ID_RULE, MAX_DEPENDENCIES, MEMO_MAX_BYTES } from './limits';
import { utf8ByteLength } from './utf8';

/**
 * The dependencies a disbursement memo declares (seed 003), in first-seen order, duplicates removed.
 * `format` says where they came from; a memo that never mentions `depends_on` has none.
 */
export type MemoDependencies =
  { ok: true; dependsOn: string[]; format: 'none' | 'json' | 'key-value' } | { ok: false; problem: string; dependsOn: [] };

const KEY = /depends_on/gi;
const NONE: MemoDependencies = { ok: true, dependsOn: [], format: 'none' };
const bad = (problem: string): MemoDependencies => ({ ok: false, problem, dependsOn: [] });
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
  try {
    return parse(memo);
  } catch (err) {
    // unreachable by construction; the guarantee "never throws" does not rest on that
    return bad(`memo could not be read (${err instanceof Error ? err.message : String(err)})`);
  }
}

function parse(memo: unknown): MemoDependencies {
  if (memo === undefined || memo === null) return NONE;
  if (typeof memo !== 'string') return bad('memo must be a string');
  if (memo.length * 3 > MEMO_MAX_BYTES) {
    const bytes = utf8ByteLength(memo);
    if (bytes > MEMO_MAX_BYTES) return bad(`memo is ${bytes} bytes; at most ${MEMO_MAX_BYTES} bytes (8 KiB)`);
  }
  KEY.lastIndex = 0;
  if (!KEY.test(memo)) return NONE;
  return memo.trimStart().startsWith('{') ? parseJson(memo) : parseKeyValue(memo);
}

function parseJson(memo: string): MemoDependencies {
  let value: unknown;
  try {
    value = JSON.parse(memo);
  } catch (err) {
    return bad(`memo starts with "{" and mentions depends_on but is not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('a JSON memo must be an object');
  const keys = Object.keys(value).filter((k) => k.toLowerCase() === 'depends_on');
  if (keys.length === 0) return bad('JSON memo mentions depends_on but has no top-level "depends_on" array');
  const ids: string[] = [];
  for (const k of keys) {
    const list = (value as Record<string, unknown>)[k];
    if (!Array.isArray(list)) return bad(`"${k}" must be an array of ids`);
    for (let i = 0; i < list.length; i++) {
      const v: unknown = list[i];
      if (typeof v === 'string') ids.push(v);
      else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) ids.push(String(v));
      else return bad(`"${k}"[${i}] must be an id string (got ${typeof v === 'object' ? JSON.stringify(v)?.slice(0, 40) : String(v)})`);
    }
  }
  return finish(ids, 'json');
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number) => c === 32 || c === 9;
const ends = (c: number) => c !== c || c <= 32 || c === 44 || c === 59 || c === 38 || c === 124; // NaN (end), space/control, , ; & |

function parseKeyValue(memo: string): MemoDependencies {
  const ids: string[] = [];
  let declared = false;
  KEY.lastIndex = 0;
  for (let m = KEY.exec(memo); m; m = KEY.exec(memo)) {
    const start = m.index;
    let i = start + m[0].length;
    if (start > 0 && isWordChar(memo.charCodeAt(start - 1))) continue; // part of a longer word
    while (isSpace(memo.charCodeAt(i))) i++;
    const sep = memo.charCodeAt(i);
    if (sep !== 61 && sep !== 58) continue; // not `=` or `:`: just the word in prose
    declared = true;
    i++;
    while (isSpace(memo.charCodeAt(i))) i++;
    // ids separated by commas (spaces around a comma allowed); the list ends anywhere else
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
    KEY.lastIndex = Math.max(KEY.lastIndex, i);
  }
  if (!declared) return bad('memo mentions depends_on but not as depends_on=a,b,c or as JSON {"depends_on": [...]}');
  return finish(ids, 'key-value');
}

function finish(ids: string[], format: 'json' | 'key-value'): MemoDependencies {
  const unique = ids.length <= 8 ? ids.filter((d, i) => ids.indexOf(d) === i) : [...new Set(ids)];
  for (const id of unique)
    if (!DISBURSEMENT_ID_PATTERN.test(id)) return bad(`dependency ${show(id)} is not a valid id (${DISBURSEMENT_ID_RULE})`);
  if (unique.length > MAX_DEPENDENCIES) return bad(`${unique.length} dependencies; at most ${MAX_DEPENDENCIES}`);
  return { ok: true, dependsOn: unique, format };
}
