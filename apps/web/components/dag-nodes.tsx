'use client';

import { createContext, memo, useCallback, useContext, useSyncExternalStore } from 'react';
import { Handle, Position, type Node, type NodeHandle, type NodeProps } from '@xyflow/react';
import { DISBURSEMENT_STATUSES } from '@/lib/client/treasury-types';
import { REL_DEPENDENCY, REL_DEPENDENT, REL_SELECTED, type DagStatusStore } from '@/lib/client/dag/status-store';
import { ITEM_H, ITEM_W } from '@/lib/client/dag/layout';
import { num } from '@/lib/client/format';
import { ItemId } from './item-id';

/**
 * The DAG's custom nodes. Memoised, with data that never changes after layout ({ index }): the
 * status comes from the store through useSyncExternalStore, so a status event re-renders exactly
 * the nodes it names and nothing else (no new node objects, no re-layout).
 */
export const DagStoreContext = createContext<DagStatusStore | null>(null);
function useDagStore(): DagStatusStore {
  const store = useContext(DagStoreContext);
  if (!store) throw new Error('DAG nodes need a DagStoreContext');
  return store;
}

const REL_CLASS: Record<number, string> = {
  [REL_SELECTED]: ' rel-selected',
  [REL_DEPENDENCY]: ' rel-dependency',
  [REL_DEPENDENT]: ' rel-dependent',
};

/** Where edges attach, given up front so edges to nodes not rendered yet (off-screen) still draw. */
export function sideHandles(width: number, height: number): NodeHandle[] {
  return [
    { type: 'target', position: Position.Left, x: 0, y: height / 2 - 0.5, width: 1, height: 1 },
    { type: 'source', position: Position.Right, x: width - 1, y: height / 2 - 0.5, width: 1, height: 1 },
  ];
}
export const ITEM_HANDLES = sideHandles(ITEM_W, ITEM_H);

export type ItemFlowNode = Node<{ i: number; id: string }, 'item'>;
/** 'cluster', not 'group': React Flow styles its built-in 'group' type. */
export type GroupFlowNode = Node<{ g: number; level: number; ordinal: number; size: number; expanded: boolean }, 'cluster'>;

export const ItemNode = memo(function ItemNode({ data }: NodeProps<ItemFlowNode>) {
  const store = useDagStore();
  const { i } = data;
  const subscribe = useCallback((fn: () => void) => store.subscribeItem(i, fn), [store, i]);
  const snap = useSyncExternalStore(
    subscribe,
    () => store.itemSnapshot(i),
    () => store.itemSnapshot(i),
  );
  const status = DISBURSEMENT_STATUSES[snap & 3]!;
  const rel = (snap >> 2) & 3;
  const dim = (snap >> 4) & 1;
  return (
    <div
      className={`dag-item st-${status.toLowerCase()}${REL_CLASS[rel] ?? ''}${dim ? ' dim' : ''}`}
      data-item-id={data.id}
      data-status={status}
      title={`${data.id} · ${status}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <ItemId id={data.id} className="dag-item-id" title={`${data.id} · ${status}`} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

export const GroupNode = memo(function GroupNode({ data }: NodeProps<GroupFlowNode>) {
  const store = useDagStore();
  const { g, size, expanded } = data;
  const subscribe = useCallback((fn: () => void) => store.subscribeGroup(g, fn), [store, g]);
  const snap = useSyncExternalStore(
    subscribe,
    () => store.groupSnapshot(g),
    () => store.groupSnapshot(g),
  );
  const counts = store.groupCountsOf(g);
  const holdsSelected = snap.split(':')[1] === '1';
  const title = `Level ${data.level + 1} · group ${data.ordinal + 1} · ${num(size)} items`;
  const dimmed = store.filter !== undefined && counts[store.filter] === 0;
  const finished = size - counts.QUEUED;
  const countsText = DISBURSEMENT_STATUSES.filter((s) => counts[s]).map((s) => `${num(counts[s])} ${s.toLowerCase()}`);
  return (
    <div
      className={`dag-group ${expanded ? 'expanded' : 'collapsed'}${holdsSelected ? ' holds-selected' : ''}${dimmed ? ' dim' : ''}`}
      data-group={g}
      data-done={finished}
      data-size={size}
      title={expanded ? undefined : `${title}\n${countsText.join(' · ')}\nclick to open`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      {expanded ? (
        <div className="dag-group-head">
          <span className="dag-group-title">{title}</span>
          <span className="dag-group-counts">
            {DISBURSEMENT_STATUSES.map((s) =>
              counts[s] ? (
                <span key={s} className={`st-text-${s.toLowerCase()}${store.filter === s ? ' emph' : ''}`}>
                  {num(counts[s])} {s.toLowerCase()}
                </span>
              ) : null,
            )}
          </span>
        </div>
      ) : (
        <>
          <div className="dag-group-head">
            L{data.level + 1}·{data.ordinal + 1} <span className="muted">{Math.round((100 * finished) / Math.max(1, size))}%</span>
          </div>
          <div className="dag-group-bar">
            {DISBURSEMENT_STATUSES.map((s) =>
              counts[s] ? <span key={s} className={`seg st-${s.toLowerCase()}`} style={{ flexGrow: counts[s] }} /> : null,
            )}
          </div>
          <div className="dag-group-counts">
            {DISBURSEMENT_STATUSES.map((s) =>
              counts[s] ? (
                <span key={s} className={`st-text-${s.toLowerCase()}${store.filter === s ? ' emph' : ''}`}>
                  {num(counts[s])}
                </span>
              ) : null,
            )}
          </div>
        </>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

export const NODE_TYPES = { item: ItemNode, cluster: GroupNode };
