import { unitsToString, type ValidatedDisbursement } from '@blockops/domain';

/**
 * An item's intake entry in its batch's ':it' hash, 'idx dest units level deps dn chainMemo': the
 * first six hold no space (ids, destinations, unit strings, comma-joined id lists), the chain memo
 * — anything — comes last. The Lua scripts read the same layout (scripts.ts, unpackItem).
 */
export function encodeItemEntry(index: number, item: ValidatedDisbursement, dependents: string[]): string {
  return `${index} ${item.destination} ${unitsToString(item.units)} ${item.level} ${item.dependsOn.join(',')} ${dependents.join(',')} ${item.chainMemo ?? ''}`;
}

/** The entry's fields. */
export function decodeItemEntry(entry: string) {
  const parts = entry.split(' ');
  const [idx, dest, units, level, deps, dn] = parts as [string, string, string, string, string, string];
  return { idx, dest, units, level, deps, dn, cmemo: parts.slice(6).join(' ') };
}
