/**
 * Live statuses of a batch's items, outside React state: a `disbursement_status_changed` event
 * updates a typed array, and only the nodes and groups it touched are told (once per frame), so a
 * 10,000-item batch repaints a handful of nodes per event and never lays out again.
 */
import { DISBURSEMENT_STATUSES, isTerminal, type DisbursementStatus, type ItemChange, type StatusCounts } from '../treasury-types';
import { dependentsOf, depsOf, type DagModel } from './model';

export const STATUS_CODE: Record<DisbursementStatus, number> = { QUEUED: 0, EXECUTED: 1, CANCELLED: 2, FAILED: 3 };
const S = DISBURSEMENT_STATUSES.length;

/** What an item node shows besides its status: its relation to the selected item, and whether the filter dims it. */
export const REL_NONE = 0;
export const REL_SELECTED = 1;
export const REL_DEPENDENCY = 2;
export const REL_DEPENDENT = 3;

export type ItemExtras = Pick<ItemChange, 'tx_hash' | 'nonce' | 'reason' | 'root_cause'>;

type Listener = () => void;

export class DagStatusStore {
  readonly n: number;
  readonly index = new Map<string, number>();
  readonly status: Uint8Array;
  /** what events said besides the status (tx hash, nonce, reason, root cause) */
  readonly extras = new Map<number, ItemExtras>();
  readonly counts: number[] = new Array<number>(S).fill(0);
  /** bumped once per flush that changed anything */
  version = 0;
  selected = -1;
  filter: DisbursementStatus | undefined;

  private groupOf: Int32Array | undefined;
  private groupCounts: Int32Array | undefined;
  private groupVersion: Uint32Array | undefined;
  private related = new Map<number, number>();
  private itemListeners = new Map<number, Set<Listener>>();
  private groupListeners = new Map<number, Set<Listener>>();
  private listeners = new Set<Listener>();
  private dirtyItems = new Set<number>();
  private dirtyGroups = new Set<number>();
  private everything = false;
  private scheduled = false;

  constructor(
    readonly ids: string[],
    statuses: DisbursementStatus[],
    readonly model: DagModel,
    private readonly schedule: (fn: () => void) => void = defaultSchedule,
  ) {
    this.n = ids.length;
    this.status = new Uint8Array(this.n);
    ids.forEach((id, i) => {
      this.index.set(id, i);
      const code = STATUS_CODE[statuses[i] ?? 'QUEUED'] ?? 0;
      this.status[i] = code;
      this.counts[code]!++;
    });
  }

  statusOf(i: number): DisbursementStatus {
    return DISBURSEMENT_STATUSES[this.status[i]!]!;
  }

  countsObject(): StatusCounts {
    return { QUEUED: this.counts[0]!, EXECUTED: this.counts[1]!, CANCELLED: this.counts[2]!, FAILED: this.counts[3]! };
  }

  /** Groups from the layout: per-group counts kept from here on. */
  setGroups(groupOf: Int32Array, groupCount: number) {
    this.groupOf = groupOf;
    this.groupCounts = new Int32Array(groupCount * S);
    this.groupVersion = new Uint32Array(groupCount);
    for (let i = 0; i < this.n; i++) if (groupOf[i]! >= 0) this.groupCounts[groupOf[i]! * S + this.status[i]!]!++;
    this.everything = true;
    this.flushSoon();
  }

  groupCountsOf(g: number): StatusCounts {
    const c = this.groupCounts;
    const at = (s: number) => (c ? c[g * S + s]! : 0);
    return { QUEUED: at(0), EXECUTED: at(1), CANCELLED: at(2), FAILED: at(3) };
  }

  /**
   * Applies the items of one or more events. Statuses only move forward: an event older than the
   * snapshot (buffered while it loaded) never takes a finished item back to QUEUED.
   * Returns how many items changed status.
   */
  apply(changes: ItemChange[]): number {
    let changed = 0;
    for (const c of changes) {
      const i = this.index.get(c.id);
      if (i === undefined) continue;
      const code = STATUS_CODE[c.status];
      if (code === undefined) continue;
      const extras: ItemExtras = { ...this.extras.get(i) };
      if (c.tx_hash !== undefined) extras.tx_hash = c.tx_hash;
      if (c.nonce !== undefined) extras.nonce = c.nonce;
      if (c.reason !== undefined) extras.reason = c.reason;
      if (c.root_cause !== undefined) extras.root_cause = c.root_cause;
      this.extras.set(i, extras);
      const prev = this.status[i]!;
      if (prev === code || (isTerminal(this.statusOf(i)) && !isTerminal(c.status))) {
        this.dirtyItems.add(i);
        continue;
      }
      this.status[i] = code;
      this.counts[prev]!--;
      this.counts[code]!++;
      const g = this.groupOf?.[i] ?? -1;
      if (g >= 0 && this.groupCounts) {
        this.groupCounts[g * S + prev]!--;
        this.groupCounts[g * S + code]!++;
        this.groupVersion![g]!++;
        this.dirtyGroups.add(g);
      }
      this.dirtyItems.add(i);
      changed++;
    }
    if (this.dirtyItems.size) this.flushSoon();
    return changed;
  }

  select(i: number) {
    if (i === this.selected) return;
    this.selected = i;
    this.related = new Map();
    if (i >= 0) {
      for (const d of depsOf(this.model, i)) this.related.set(d, REL_DEPENDENCY);
      for (const d of dependentsOf(this.model, i)) this.related.set(d, REL_DEPENDENT);
      this.related.set(i, REL_SELECTED);
    }
    this.everything = true;
    this.flushSoon();
  }

  setFilter(filter: DisbursementStatus | undefined) {
    if (filter === this.filter) return;
    this.filter = filter;
    this.everything = true;
    this.flushSoon();
  }

  /** A node's whole look as one number (status, relation, dimmed), for useSyncExternalStore. */
  itemSnapshot(i: number): number {
    const dim = this.filter !== undefined && this.status[i] !== STATUS_CODE[this.filter] ? 1 : 0;
    return this.status[i]! | ((this.related.get(i) ?? REL_NONE) << 2) | (dim << 4);
  }

  groupSnapshot(g: number): string {
    const holdsSelected = this.selected >= 0 && this.groupOf?.[this.selected] === g;
    return `${this.groupVersion?.[g] ?? 0}:${holdsSelected ? 1 : 0}:${this.filter ?? ''}`;
  }

  subscribeItem(i: number, fn: Listener) {
    return subscribeTo(this.itemListeners, i, fn);
  }
  subscribeGroup(g: number, fn: Listener) {
    return subscribeTo(this.groupListeners, g, fn);
  }
  /** Told once per flush: counts, table, panel. */
  subscribe = (fn: Listener) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };
  getVersion = () => this.version;

  private flushSoon() {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  flush() {
    this.scheduled = false;
    const all = this.everything;
    this.everything = false;
    const items = this.dirtyItems;
    const groups = this.dirtyGroups;
    this.dirtyItems = new Set();
    this.dirtyGroups = new Set();
    this.version++;
    if (all) {
      for (const set of this.itemListeners.values()) set.forEach(call);
      for (const set of this.groupListeners.values()) set.forEach(call);
    } else {
      for (const i of items) this.itemListeners.get(i)?.forEach(call);
      for (const g of groups) this.groupListeners.get(g)?.forEach(call);
    }
    this.listeners.forEach(call);
  }
}

const call = (fn: Listener) => fn();

function subscribeTo(map: Map<number, Set<Listener>>, key: number, fn: Listener) {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(fn);
  return () => {
    set.delete(fn);
    if (set.size === 0) map.delete(key);
  };
}

function defaultSchedule(fn: () => void) {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(fn);
  else queueMicrotask(fn);
}
