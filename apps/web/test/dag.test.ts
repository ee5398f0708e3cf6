/**
 * The console's DAG machinery, pure: adjacency and levels, the dagre layout (items and grouped),
 * semantic zoom, and the live status store.
 */
import { buildDag, dependentsOf, depsOf, topoLevels } from '../lib/client/dag/model';
import { ITEM_H, ITEM_W, layoutDag, type DagLayout } from '../lib/client/dag/layout';
import { groupsToExpand, viewRect } from '../lib/client/dag/viewport';
import { DagStatusStore, REL_DEPENDENCY, REL_DEPENDENT, REL_SELECTED } from '../lib/client/dag/status-store';
import type { DisbursementStatus } from '../lib/client/treasury-types';

/** `chains` chains `depth` deep; every item past the first level also depends on an item of another chain (fan-in). */
function chainsWithFanIn(chains: number, depth: number): { n: number; edges: Int32Array } {
  const pairs: number[] = [];
  const at = (c: number, d: number) => c * depth + d;
  for (let c = 0; c < chains; c++) {
    for (let d = 1; d < depth; d++) {
      pairs.push(at(c, d - 1), at(c, d));
      if (c % 3 === 0) pairs.push(at((c + 7) % chains, d - 1), at(c, d));
    }
  }
  return { n: chains * depth, edges: Int32Array.from(pairs) };
}

const edgePairs = (edges: Int32Array) => Array.from({ length: edges.length / 2 }, (_, k) => [edges[2 * k]!, edges[2 * k + 1]!] as const);

describe('model', () => {
  test('CSR adjacency both ways; out-of-range and self edges ignored', () => {
    const m = buildDag(4, [0, 1, 0, 2, 1, 3, 2, 3, 3, 3, 5, 1, -1, 2]);
    expect(Array.from(depsOf(m, 3)).sort()).toEqual([1, 2]);
    expect(Array.from(dependentsOf(m, 0)).sort()).toEqual([1, 2]);
    expect(Array.from(depsOf(m, 0))).toEqual([]);
    expect(m.deps.length).toBe(4);
  });

  test('levels are the longest path from a root; every edge climbs', () => {
    const { n, edges } = chainsWithFanIn(30, 6);
    const m = buildDag(n, edges);
    const { level, levels, order } = topoLevels(m);
    expect(levels).toBe(6);
    for (const [a, b] of edgePairs(edges)) expect(level[b]!).toBeGreaterThan(level[a]!);
    expect(new Set(order).size).toBe(n);
    // 0 → 1 → 2 and 0 → 2: 2 is on level 2, not 1
    expect(Array.from(topoLevels(buildDag(3, [0, 1, 1, 2, 0, 2])).level)).toEqual([0, 1, 2]);
  });

  test('a cycle (never accepted by intake) loses no item', () => {
    const { level, order, levels } = topoLevels(buildDag(4, [0, 1, 1, 2, 2, 1, 2, 3]));
    expect(new Set(order).size).toBe(4);
    expect(level[0]).toBe(0);
    expect(levels).toBe(2);
    expect(level[1]).toBe(1);
  });
});

function boxesOverlap(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('layout', () => {
  test('small batches: every item a node, left to right along each edge, none overlapping', () => {
    const { n, edges } = chainsWithFanIn(12, 4);
    const layout = layoutDag({ n, edges });
    expect(layout.mode).toBe('items');
    for (const [a, b] of edgePairs(edges)) expect(layout.x[b]!).toBeGreaterThan(layout.x[a]!);
    const boxes = Array.from({ length: n }, (_, i) => ({ x: layout.x[i]!, y: layout.y[i]!, w: ITEM_W, h: ITEM_H }));
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(boxesOverlap(boxes[i]!, boxes[j]!)).toBe(false);
  });

  describe('10,000 items with 10-deep chains and fan-in: grouped', () => {
    const { n, edges } = chainsWithFanIn(1000, 10);
    let layout: DagLayout;
    beforeAll(() => {
      layout = layoutDag({ n, edges });
    });

    test('every item in exactly one group of one level, inside its box', () => {
      expect(layout.mode).toBe('groups');
      expect(new Set(layout.order).size).toBe(n);
      const seen = new Int32Array(n);
      layout.groups.forEach((g, gi) => {
        expect(g.size).toBeLessThanOrEqual(96);
        for (let k = 0; k < g.size; k++) {
          const i = layout.order[g.start + k]!;
          seen[i]!++;
          expect(layout.groupOf[i]).toBe(gi);
          expect(layout.level[i]).toBe(g.level);
          expect(layout.x[i]!).toBeGreaterThanOrEqual(g.x);
          expect(layout.x[i]! + ITEM_W).toBeLessThanOrEqual(g.x + g.w);
          expect(layout.y[i]!).toBeGreaterThanOrEqual(g.y);
          expect(layout.y[i]! + ITEM_H).toBeLessThanOrEqual(g.y + g.h);
        }
      });
      expect(seen.every((c) => c === 1)).toBe(true);
    });

    test('groups never overlap and their edges run left to right', () => {
      const gs = layout.groups;
      for (let a = 0; a < gs.length; a++) for (let b = a + 1; b < gs.length; b++) expect(boxesOverlap(gs[a]!, gs[b]!)).toBe(false);
      let itemEdges = 0;
      for (let k = 0; k < layout.groupEdges.length; k += 3) {
        const [a, b, count] = [layout.groupEdges[k]!, layout.groupEdges[k + 1]!, layout.groupEdges[k + 2]!];
        expect(gs[b]!.x).toBeGreaterThan(gs[a]!.x);
        itemEdges += count;
      }
      expect(itemEdges).toBe(edges.length / 2); // every item edge crosses groups here (one level per group)
    });

    test('semantic zoom opens only groups in view, within the item budget', () => {
      const g = layout.groups[0]!;
      const vp = { x: -g.x, y: -g.y, zoom: 1 };
      const rect = viewRect(vp, 1200, 800);
      const open = groupsToExpand(layout, rect, 1);
      expect(open).toContain(0);
      for (const k of open) expect(boxesOverlap(layout.groups[k]!, rect)).toBe(true);
      expect(groupsToExpand(layout, rect, 0.2)).toEqual([]);
      const wide = viewRect({ x: 0, y: 0, zoom: 0.5 }, 100_000, 100_000);
      const budget = groupsToExpand(layout, wide, 0.5, { maxItems: 300 });
      expect(budget.reduce((s, k) => s + layout.groups[k]!.size, 0)).toBeLessThanOrEqual(300);
      expect(budget.length).toBeGreaterThan(0);
    });
  });
});

describe('status store', () => {
  const ids = ['a', 'b', 'c', 'd'];
  const make = () => {
    const model = buildDag(4, [0, 1, 1, 2, 0, 3]);
    const flushes: (() => void)[] = [];
    const store = new DagStatusStore(ids, ['QUEUED', 'QUEUED', 'QUEUED', 'EXECUTED'] as DisbursementStatus[], model, (fn) =>
      flushes.push(fn),
    );
    const run = () => flushes.splice(0).forEach((f) => f());
    return { store, run };
  };

  test('an event updates counts and tells only the nodes and groups it names, once per flush', () => {
    const { store, run } = make();
    store.setGroups(Int32Array.from([0, 0, 1, 1]), 2);
    run();
    const told: string[] = [];
    ids.forEach((id, i) => store.subscribeItem(i, () => told.push(id)));
    store.subscribeGroup(0, () => told.push('g0'));
    store.subscribeGroup(1, () => told.push('g1'));
    let global = 0;
    store.subscribe(() => global++);
    expect(
      store.apply([
        { id: 'a', status: 'EXECUTED', tx_hash: '0xaa', nonce: 1 },
        { id: 'zz', status: 'EXECUTED' },
      ]),
    ).toBe(1);
    expect(store.apply([{ id: 'b', status: 'CANCELLED', reason: 'invalid destination' }])).toBe(1);
    expect(told).toEqual([]);
    run();
    expect(told.sort()).toEqual(['a', 'b', 'g0']);
    expect(global).toBe(1);
    expect(store.countsObject()).toEqual({ QUEUED: 1, EXECUTED: 2, CANCELLED: 1, FAILED: 0 });
    expect(store.groupCountsOf(0)).toEqual({ QUEUED: 0, EXECUTED: 1, CANCELLED: 1, FAILED: 0 });
    expect(store.groupCountsOf(1)).toEqual({ QUEUED: 1, EXECUTED: 1, CANCELLED: 0, FAILED: 0 });
    expect(store.extras.get(0)).toEqual({ tx_hash: '0xaa', nonce: 1 });
    expect(store.statusOf(1)).toBe('CANCELLED');
  });

  test('a finished item never goes back to QUEUED (an event older than the snapshot)', () => {
    const { store } = make();
    expect(store.apply([{ id: 'd', status: 'QUEUED' }])).toBe(0);
    expect(store.statusOf(3)).toBe('EXECUTED');
    expect(store.countsObject().EXECUTED).toBe(1);
  });

  test('selection marks the item, its dependencies and its dependents; the filter dims the rest', () => {
    const { store, run } = make();
    store.select(1);
    run();
    const rel = (i: number) => (store.itemSnapshot(i) >> 2) & 3;
    expect([rel(0), rel(1), rel(2), rel(3)]).toEqual([REL_DEPENDENCY, REL_SELECTED, REL_DEPENDENT, 0]);
    store.setFilter('EXECUTED');
    const dim = (i: number) => (store.itemSnapshot(i) >> 4) & 1;
    expect([dim(0), dim(1), dim(2), dim(3)]).toEqual([1, 1, 1, 0]);
  });
});
