'use client';

import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type Edge,
  type Node,
  type NodeMouseHandler,
  type OnMove,
  type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { DagLayout } from '@/lib/client/dag/layout';
import { ITEM_H, ITEM_W } from '@/lib/client/dag/layout';
import { depsOf } from '@/lib/client/dag/model';
import type { DagStatusStore } from '@/lib/client/dag/status-store';
import { groupsToExpand, viewRect } from '@/lib/client/dag/viewport';
import { num } from '@/lib/client/format';
import { DagStoreContext, ITEM_HANDLES, NODE_TYPES, sideHandles, type GroupFlowNode, type ItemFlowNode } from './dag-nodes';

/** A small batch is not blown up past this when it is fitted into view. */
const MAX_FIT_ZOOM = 1.2;
/** Item edges drawn at once between opened groups; group edges stand for the rest. */
const MAX_ITEM_EDGES = 4000;

export interface DagViewProps {
  store: DagStatusStore;
  layout: DagLayout;
  selected: number;
  /** centre on this item (a new `seq` asks again for the same item) */
  focus?: { i: number; seq: number };
  onSelect: (i: number) => void;
}

/** The live DAG of a batch: React Flow over a precomputed layout; see dag-nodes for live colours. */
export const DagView = memo(function DagView(props: DagViewProps) {
  return (
    <DagStoreContext.Provider value={props.store}>
      <ReactFlowProvider>
        <DagCanvas {...props} />
      </ReactFlowProvider>
    </DagStoreContext.Provider>
  );
});

type FlowNode = ItemFlowNode | GroupFlowNode;

function DagCanvas({ store, layout, selected, focus, onSelect }: DagViewProps) {
  const rf = useReactFlow<FlowNode>();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const grouped = layout.mode === 'groups';
  const [expanded, setExpanded] = useState<number[]>([]);
  const [zoom, setZoom] = useState(1);

  // Node objects are made once per item/group variant and reused, so React Flow sees the same objects.
  const cache = useMemo(() => ({ items: new Map<number, ItemFlowNode>(), groups: new Map<string, GroupFlowNode>() }), [layout]);
  const itemNode = useCallback(
    (i: number): ItemFlowNode => {
      let node = cache.items.get(i);
      if (!node) {
        node = {
          id: `i${i}`,
          type: 'item',
          position: { x: layout.x[i]!, y: layout.y[i]! },
          width: ITEM_W,
          height: ITEM_H,
          handles: ITEM_HANDLES,
          data: { i, id: store.ids[i]! },
          zIndex: 1,
        };
        cache.items.set(i, node);
      }
      return node;
    },
    [cache, layout, store],
  );
  const groupNode = useCallback(
    (g: number, open: boolean): GroupFlowNode => {
      const key = `${g}:${open}`;
      let node = cache.groups.get(key);
      if (!node) {
        const grp = layout.groups[g]!;
        node = {
          id: `g${g}`,
          type: 'cluster',
          position: { x: grp.x, y: grp.y },
          width: grp.w,
          height: grp.h,
          handles: sideHandles(grp.w, grp.h),
          data: { g, level: grp.level, ordinal: grp.ordinal, size: grp.size, expanded: open },
          zIndex: 0,
        };
        cache.groups.set(key, node);
      }
      return node;
    },
    [cache, layout],
  );

  const nodes = useMemo<FlowNode[]>(() => {
    if (!grouped) return Array.from({ length: layout.n }, (_, i) => itemNode(i));
    const open = new Set(expanded);
    const out: FlowNode[] = layout.groups.map((_, g) => groupNode(g, open.has(g)));
    for (const g of expanded) {
      const grp = layout.groups[g]!;
      for (let k = 0; k < grp.size; k++) out.push(itemNode(layout.order[grp.start + k]!));
    }
    return out;
  }, [grouped, layout, expanded, itemNode, groupNode]);

  const edges = useMemo<Edge[]>(() => {
    const out: Edge[] = [];
    const itemEdge = (a: number, b: number): Edge => ({
      id: `e${a}-${b}`,
      source: `i${a}`,
      target: `i${b}`,
      className: a === selected ? 'edge-to-dependent' : b === selected ? 'edge-to-selected' : undefined,
    });
    if (!grouped) {
      for (let b = 0; b < layout.n; b++) for (const a of depsOf(store.model, b)) out.push(itemEdge(a, b));
      return out;
    }
    const open = new Set(expanded);
    for (let k = 0; k + 2 < layout.groupEdges.length; k += 3) {
      const a = layout.groupEdges[k]!;
      const b = layout.groupEdges[k + 1]!;
      const count = layout.groupEdges[k + 2]!;
      out.push({
        id: `g${a}-${b}`,
        source: `g${a}`,
        target: `g${b}`,
        className: open.has(a) && open.has(b) ? 'edge-group faint' : 'edge-group',
        style: { strokeWidth: 1 + Math.log2(count) },
      });
    }
    let budget = MAX_ITEM_EDGES;
    for (const g of expanded) {
      const grp = layout.groups[g]!;
      for (let k = 0; k < grp.size && budget > 0; k++) {
        const b = layout.order[grp.start + k]!;
        for (const a of depsOf(store.model, b)) {
          if (open.has(layout.groupOf[a]!) && budget-- > 0) out.push(itemEdge(a, b));
        }
      }
    }
    return out;
  }, [grouped, layout, expanded, selected, store]);

  // Semantic zoom: recompute which groups are open when the view settles on a new frame.
  const frame = useRef<number | undefined>(undefined);
  const latest = useRef<Viewport | undefined>(undefined);
  const updateView = useCallback(
    (vp: Viewport) => {
      latest.current = vp;
      if (frame.current !== undefined) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = undefined;
        const v = latest.current!;
        setZoom(v.zoom);
        if (!grouped || !width || !height) return;
        const next = groupsToExpand(layout, viewRect(v, width, height), v.zoom);
        setExpanded((prev) => (prev.length === next.length && prev.every((g, k) => g === next[k]) ? prev : next));
      });
    },
    [grouped, layout, width, height],
  );
  const onMove = useCallback<OnMove>((_, vp) => updateView(vp), [updateView]);
  useEffect(() => {
    updateView(rf.getViewport());
    return () => {
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
      frame.current = undefined;
    };
  }, [rf, updateView, width, height]);

  // The whole graph in view first, once React Flow is ready and the pane has a size (fitView would
  // wait for every node to be measured, and nodes out of view are never rendered); then any item
  // asked for is centred.
  const [ready, setReady] = useState(false);
  const hasSize = width > 0 && height > 0;
  const fitted = useRef(false);
  const onInit = useCallback(() => setReady(true), []);
  const centre = useCallback(
    (i: number, duration: number) => {
      const cx = layout.x[i]! + ITEM_W / 2;
      const cy = layout.y[i]! + ITEM_H / 2;
      void rf.setCenter(cx, cy, { zoom: Math.max(rf.getZoom(), 1), duration });
    },
    [layout, rf],
  );
  useEffect(() => {
    if (!ready || !hasSize) return;
    if (!fitted.current) {
      fitted.current = true;
      const zoom = Math.min(MAX_FIT_ZOOM, (width * 0.96) / Math.max(1, layout.width), (height * 0.96) / Math.max(1, layout.height));
      void rf.setViewport({ x: (width - layout.width * zoom) / 2, y: (height - layout.height * zoom) / 2, zoom });
      if (focus && focus.i >= 0 && focus.i < layout.n) centre(focus.i, 0);
      return;
    }
    if (focus && focus.i >= 0 && focus.i < layout.n) centre(focus.i, 400);
    // the pane's size matters only for the first fit: a resize does not re-centre
  }, [ready, focus, layout, centre, rf, hasSize]);

  const onNodeClick = useCallback<NodeMouseHandler<FlowNode>>(
    (_, node) => {
      if (node.type === 'item') onSelect(node.data.i);
      else if (node.type === 'cluster' && !node.data.expanded) {
        const grp = layout.groups[node.data.g]!;
        void rf.fitBounds({ x: grp.x, y: grp.y, width: grp.w, height: grp.h }, { padding: 0.08, duration: 400 });
      }
    },
    [layout, onSelect, rf],
  );

  const shownItems = grouped ? expanded.reduce((sum, g) => sum + layout.groups[g]!.size, 0) : layout.n;
  return (
    <ReactFlow<FlowNode>
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_TYPES}
      onNodeClick={onNodeClick}
      onMove={onMove}
      onlyRenderVisibleElements={grouped || layout.n > 150}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      nodesFocusable={false}
      edgesFocusable={false}
      minZoom={0.02}
      maxZoom={2.5}
      onInit={onInit}
      proOptions={PRO}
      colorMode="dark"
      data-testid="dag"
      data-mode={layout.mode}
      data-expanded={expanded.join(',')}
    >
      <Background gap={40} />
      <Controls showInteractive={false} />
      {grouped && <MiniMap pannable zoomable nodeColor={minimapColor} maskColor="rgba(15, 20, 25, 0.7)" bgColor="#0f1419" />}
      <Panel position="top-left" className="dag-note">
        {grouped
          ? `${num(layout.n)} items in ${num(layout.groups.length)} groups over ${layout.levels} levels · ${
              shownItems ? `${num(shownItems)} items open` : zoom < 0.5 ? 'zoom in or click a group to open it' : 'pan to open groups'
            }`
          : `${num(layout.n)} items over ${layout.levels} levels`}
      </Panel>
    </ReactFlow>
  );
}

const PRO = { hideAttribution: false };
const minimapColor = (n: Node) => (n.type === 'cluster' ? '#26313d' : '#4fb3ff');
