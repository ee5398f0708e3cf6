/**
 * The dependency graph of one batch, on indices: `deps[i]` are the indices item i depends on
 * (inside the batch only; self-loops are dropped by the caller). Kahn's algorithm gives the
 * topological levels (level = 1 + the deepest dependency's level); what Kahn cannot order lies on
 * a cycle or downstream of one, and only that remainder is searched for cycles (Tarjan's strongly
 * connected components, iterative), so an acyclic batch pays for one linear pass.
 */
export interface DependencyAnalysis {
  /** level per item; -1 for items on a cycle or downstream of one */
  levels: Int32Array;
  /** items in a dependency-respecting order (only the ordered ones when there are cycles) */
  order: Int32Array;
  /** one cycle per strongly connected component, as indices a → b → … → a, each depending on the next */
  cycles: number[][];
}

/** Compressed rows: the neighbours of i are list[start[i] .. start[i+1]). */
export interface Csr {
  start: Int32Array;
  list: Int32Array;
}

export function toCsr(n: number, rows: ArrayLike<ArrayLike<number>>): Csr {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + rows[i]!.length;
  const list = new Int32Array(start[n]!);
  for (let i = 0, k = 0; i < n; i++) {
    const r = rows[i]!;
    for (let j = 0; j < r.length; j++) list[k++] = r[j]!;
  }
  return { start, list };
}

/** Reverses a graph: for dependencies in, dependents out. */
export function reverseCsr(n: number, g: Csr): Csr {
  // start[d] first counts up to the end of d's row; filling each row from its end, sources in
  // descending order, leaves it at the row's start, rows ascending: no second cursor array
  const start = new Int32Array(n + 1);
  for (let e = 0; e < g.list.length; e++) start[g.list[e]!]!++;
  for (let i = 1; i < n; i++) start[i]! += start[i - 1]!;
  start[n] = g.list.length;
  const list = new Int32Array(g.list.length);
  for (let i = n - 1; i >= 0; i--) for (let e = g.start[i + 1]! - 1; e >= g.start[i]!; e--) list[--start[g.list[e]!]!] = i;
  return { start, list };
}

export function analyseDependencies(n: number, deps: Csr): DependencyAnalysis {
  const dependents = reverseCsr(n, deps);
  const remaining = new Int32Array(n);
  for (let i = 0; i < n; i++) remaining[i] = deps.start[i + 1]! - deps.start[i]!;
  const levels = new Int32Array(n).fill(-1);
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    if (remaining[i] !== 0) continue;
    levels[i] = 0;
    order[tail++] = i;
  }
  while (head < tail) {
    const u = order[head++]!;
    const next = levels[u]! + 1;
    for (let e = dependents.start[u]!; e < dependents.start[u + 1]!; e++) {
      const d = dependents.list[e]!;
      if (levels[d]! < next) levels[d] = next;
      remaining[d] = remaining[d]! - 1;
      if (remaining[d] === 0) order[tail++] = d;
    }
  }
  if (tail === n) return { levels, order, cycles: [] };
  for (let i = 0; i < n; i++) if (remaining[i]! > 0) levels[i] = -1;
  return { levels, order: order.slice(0, tail), cycles: findCycles(n, deps, remaining) };
}

/** One concrete cycle per non-trivial strongly connected component among the `remaining[i] > 0` items. */
function findCycles(n: number, deps: Csr, remaining: Int32Array): number[][] {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const component = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const frames: number[] = []; // node, edge cursor pairs
  const cycles: number[][] = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (remaining[root] === 0 || index[root] !== -1) continue;
    frames.push(root, deps.start[root]!);
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length) {
      const v = frames[frames.length - 2]!;
      const cursor = frames[frames.length - 1]!;
      if (cursor < deps.start[v + 1]!) {
        frames[frames.length - 1] = cursor + 1;
        const w = deps.list[cursor]!;
        if (remaining[w] === 0) continue; // ordered by Kahn: on no cycle
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frames.push(w, deps.start[w]!);
        } else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      frames.length -= 2;
      if (frames.length) {
        const parent = frames[frames.length - 2]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
      if (low[v] !== index[v]) continue;
      const members: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = 0;
        component[w] = components;
        members.push(w);
      } while (w !== v);
      if (members.length > 1) cycles.push(cycleThrough(Math.min(...members), components, deps, component));
      components++;
    }
  }
  return cycles.sort((a, b) => a[0]! - b[0]!);
}

/** The shortest cycle through `start` inside its component (breadth-first along dependencies). */
function cycleThrough(start: number, comp: number, deps: Csr, component: Int32Array): number[] {
  const parent = new Map<number, number>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    for (let e = deps.start[u]!; e < deps.start[u + 1]!; e++) {
      const w = deps.list[e]!;
      if (component[w] !== comp) continue;
      if (w === start) {
        const path = [start];
        for (let x = u; x !== start; x = parent.get(x)!) path.push(x);
        path.push(start);
        // path was built backwards from u; put it in dependency order start → … → start
        return [start, ...path.slice(1, -1).reverse(), start];
      }
      if (!parent.has(w)) {
        parent.set(w, u);
        queue.push(w);
      }
    }
  }
  return [start, start]; // unreachable for a component of two or more
}
