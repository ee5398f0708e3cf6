/// <reference lib="webworker" />
/**
 * The layout runs here, off the main thread: a 10,000-item batch is laid out while the page stays
 * responsive. One request in, one DagLayout out (typed arrays transferred, not copied).
 */
import { layoutDag, type DagLayout, type LayoutInput } from './layout';

export type LayoutRequest = LayoutInput & { job: number };
export type LayoutReply = { job: number; layout: DagLayout } | { job: number; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (e: MessageEvent<LayoutRequest>) => {
  const { job, ...input } = e.data;
  try {
    const layout = layoutDag(input);
    const reply: LayoutReply = { job, layout };
    scope.postMessage(reply, [
      layout.x.buffer,
      layout.y.buffer,
      layout.level.buffer,
      layout.groupOf.buffer,
      layout.order.buffer,
      layout.groupEdges.buffer,
    ]);
  } catch (err) {
    scope.postMessage({ job, error: (err as Error).message } satisfies LayoutReply);
  }
};
