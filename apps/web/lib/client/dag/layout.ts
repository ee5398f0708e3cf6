/**
 * Layered (Sugiyama) layout of a batch's DAG with dagre, left to right. Pure and synchronous: it
 * runs in a Web Worker (layout.worker.ts), never on the main thread.
 *
 * Up to `smallLimit` items every item is a dagre node. Beyond that, drawing 10,000 nodes is
 * neither legible nor fast, so items are grouped: each layer (longest-path level) is ordered by
 * the barycentre of its dependencies (chains stay on one row) and cut into groups of `groupSize`;
 * dagre lays out the graph of groups (edges weighted by how many item edges they stand for) and
 * each group's items sit in a grid inside its box. A collapsed group and its expanded items take
 * the same box, so expanding one never moves anything else.
 */
import dagre from '@dagrejs/dagre';
import { buildDag, topoLevels } from './model';

export const ITEM_W = 136;
export const ITEM_H = 30;
const CELL_W = ITEM_W + 10;
const CELL_H = ITEM_H + 10;
export const GROUP_PAD = 16;
export const GROUP_HEADER = 64;
const GROUP_COLS = 8;

export interface LayoutInput {
  n: number;
  /** flat [dependency, dependent, …] index pairs */
  edges: Int32Array;
  smallLimit?: number;
  groupSize?: number;
}

export interface LayoutGroup {
  level: number;
  /** position of this group within its level (0-based) */
  ordinal: number;
  /** members are order[start .. start + size) */
  start: number;
  size: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DagLayout {
  mode: 'items' | 'groups';
  n: number;
  /** top-left of each item's node */
  x: Float32Array;
  y: Float32Array;
  level: Int32Array;
  levels: number;
  /** group of each item (-1 in items mode) */
  groupOf: Int32Array;
  /** items grouped: each group's members contiguous, in display order */
  order: Int32Array;
  groups: LayoutGroup[];
  /** flat [fromGroup, toGroup, itemEdges, …] */
  groupEdges: Int32Array;
  width: number;
  height: number;
  ms: number;
}

export const DEFAULT_SMALL_LIMIT = 200;
export const DEFAULT_GROUP_SIZE = 96;

export function layoutDag(input: LayoutInput): DagLayout {
  const t0 = Date.now();
  const { n, edges } = input;
  const smallLimit = input.smallLimit ?? DEFAULT_SMALL_LIMIT;
  const groupSize = Math.max(1, input.groupSize ?? DEFAULT_GROUP_SIZE);
  const model = buildDag(n, edges);
  const { level, levels } = topoLevels(model);
  const x = new Float32Array(n);
  const y = new Float32Array(n);

  if (n <= smallLimit) {
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 70, marginx: 20, marginy: 20 });
    g.setDefaultEdgeLabel(() => ({}));
    for (let i = 0; i < n; i++) g.setNode(String(i), { width: ITEM_W, height: ITEM_H });
    for (let k = 0; k + 1 < edges.length; k += 2) {
      if (edges[k] !== edges[k + 1]) g.setEdge(String(edges[k]), String(edges[k + 1]));
    }
    dagre.layout(g);
    for (let i = 0; i < n; i++) {
      const node = g.node(String(i));
      x[i] = (node.x ?? 0) - ITEM_W / 2;
      y[i] = (node.y ?? 0) - ITEM_H / 2;
    }
    const graph = g.graph();
    return {
      mode: 'items',
      n,
      x,
      y,
      level,
      levels,
      groupOf: new Int32Array(n).fill(-1),
      order: Int32Array.from({ length: n }, (_, i) => i),
      groups: [],
      groupEdges: new Int32Array(0),
      width: graph.width ?? 0,
      height: graph.height ?? 0,
      ms: Date.now() - t0,
    };
  }

  // Order each level by the barycentre of its dependencies' positions (level 0: input order).
  const byLevel: number[][] = Array.from({ length: levels }, () => []);
  for (let i = 0; i < n; i++) byLevel[level[i]!]!.push(i);
  const pos = new Float64Array(n);
  const bary = new Float64Array(n);
  for (let l = 0; l < levels; l++) {
    const items = byLevel[l]!;
    if (l > 0) {
      for (const i of items) {
        const a = model.depStart[i]!;
        const b = model.depStart[i + 1]!;
        let sum = 0;
        for (let k = a; k < b; k++) sum += pos[model.deps[k]!]!;
        bary[i] = b > a ? sum / (b - a) : 0.5;
      }
      items.sort((p, q) => bary[p]! - bary[q]! || p - q);
    }
    items.forEach((i, k) => (pos[i] = items.length > 1 ? k / (items.length - 1) : 0.5));
  }

  const groups: LayoutGroup[] = [];
  const groupOf = new Int32Array(n);
  const order = new Int32Array(n);
  let filled = 0;
  for (let l = 0; l < levels; l++) {
    const items = byLevel[l]!;
    for (let s = 0, ordinal = 0; s < items.length; s += groupSize, ordinal++) {
      const size = Math.min(groupSize, items.length - s);
      const cols = Math.min(GROUP_COLS, size);
      const rows = Math.ceil(size / cols);
      const gi = groups.length;
      groups.push({
        level: l,
        ordinal,
        start: filled,
        size,
        x: 0,
        y: 0,
        w: GROUP_PAD * 2 + Math.max(cols, 4) * CELL_W - 10,
        h: GROUP_HEADER + rows * CELL_H - 10 + GROUP_PAD,
      });
      for (let k = 0; k < size; k++) {
        const i = items[s + k]!;
        groupOf[i] = gi;
        order[filled++] = i;
      }
    }
  }

  const weights = new Map<number, number>();
  const G = groups.length;
  for (let k = 0; k + 1 < edges.length; k += 2) {
    const a = groupOf[edges[k]!]!;
    const b = groupOf[edges[k + 1]!]!;
    if (a === b) continue;
    const key = a * G + b;
    weights.set(key, (weights.get(key) ?? 0) + 1);
  }
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 160, marginx: 40, marginy: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  groups.forEach((grp, gi) => g.setNode(String(gi), { width: grp.w, height: grp.h }));
  const groupEdges = new Int32Array(weights.size * 3);
  let e = 0;
  for (const [key, count] of weights) {
    const a = Math.floor(key / G);
    const b = key % G;
    g.setEdge(String(a), String(b), { weight: count });
    groupEdges[e++] = a;
    groupEdges[e++] = b;
    groupEdges[e++] = count;
  }
  dagre.layout(g);
  groups.forEach((grp, gi) => {
    const node = g.node(String(gi));
    grp.x = (node.x ?? 0) - grp.w / 2;
    grp.y = (node.y ?? 0) - grp.h / 2;
    const cols = Math.min(GROUP_COLS, grp.size);
    for (let k = 0; k < grp.size; k++) {
      const i = order[grp.start + k]!;
      x[i] = grp.x + GROUP_PAD + (k % cols) * CELL_W;
      y[i] = grp.y + GROUP_HEADER + Math.floor(k / cols) * CELL_H;
    }
  });
  const graph = g.graph();
  return {
    mode: 'groups',
    n,
    x,
    y,
    level,
    levels,
    groupOf,
    order,
    groups,
    groupEdges,
    width: graph.width ?? 0,
    height: graph.height ?? 0,
    ms: Date.now() - t0,
  };
}
