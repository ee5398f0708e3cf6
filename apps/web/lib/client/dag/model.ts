/**
 * A batch's dependency graph in compact form (CSR adjacency over item indexes), built once from
 * `GET …/graph`. Pure: the layout worker and the page share it.
 */

export interface DagModel {
  n: number;
  /** deps of i: deps[depStart[i] .. depStart[i+1]) */
  depStart: Int32Array;
  deps: Int32Array;
  /** dependents of i: outs[outStart[i] .. outStart[i+1]) */
  outStart: Int32Array;
  outs: Int32Array;
}

/** `edges` is flat: [dependency, dependent, dependency, dependent, …]. Out-of-range or self edges are ignored. */
export function buildDag(n: number, edges: ArrayLike<number>): DagModel {
  const inDeg = new Int32Array(n + 1);
  const outDeg = new Int32Array(n + 1);
  const valid = (a: number, b: number) => a >= 0 && b >= 0 && a < n && b < n && a !== b;
  for (let k = 0; k + 1 < edges.length; k += 2) {
    const a = edges[k]!;
    const b = edges[k + 1]!;
    if (!valid(a, b)) continue;
    outDeg[a + 1]!++;
    inDeg[b + 1]!++;
  }
  for (let i = 0; i < n; i++) {
    inDeg[i + 1]! += inDeg[i]!;
    outDeg[i + 1]! += outDeg[i]!;
  }
  const deps = new Int32Array(inDeg[n]!);
  const outs = new Int32Array(outDeg[n]!);
  const inFill = inDeg.slice(0, n);
  const outFill = outDeg.slice(0, n);
  for (let k = 0; k + 1 < edges.length; k += 2) {
    const a = edges[k]!;
    const b = edges[k + 1]!;
    if (!valid(a, b)) continue;
    deps[inFill[b]!++] = a;
    outs[outFill[a]!++] = b;
  }
  return { n, depStart: inDeg, deps, outStart: outDeg, outs };
}

export const depsOf = (m: DagModel, i: number) => m.deps.subarray(m.depStart[i]!, m.depStart[i + 1]!);
export const dependentsOf = (m: DagModel, i: number) => m.outs.subarray(m.outStart[i]!, m.outStart[i + 1]!);

/**
 * Layer of every item: 0 without dependencies in the batch, else one more than its deepest
 * dependency (longest path). Items on a cycle — which intake refuses, so never expected — are put
 * one layer past the rest rather than lost. Also returns a topological order.
 */
export function topoLevels(m: DagModel): { level: Int32Array; levels: number; order: Int32Array } {
  const { n } = m;
  const level = new Int32Array(n);
  const pending = new Int32Array(n);
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    pending[i] = m.depStart[i + 1]! - m.depStart[i]!;
    if (pending[i] === 0) order[tail++] = i;
  }
  let levels = n ? 1 : 0;
  while (head < tail) {
    const v = order[head++]!;
    for (let k = m.outStart[v]!; k < m.outStart[v + 1]!; k++) {
      const w = m.outs[k]!;
      if (level[v]! + 1 > level[w]!) level[w] = level[v]! + 1;
      if (--pending[w]! === 0) order[tail++] = w;
    }
    if (level[v]! + 1 > levels) levels = level[v]! + 1;
  }
  if (tail < n) {
    for (let i = 0; i < n; i++) {
      if (pending[i]! > 0) {
        level[i] = levels;
        order[tail++] = i;
      }
    }
    levels++;
  }
  return { level, levels, order };
}
