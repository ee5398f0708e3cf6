'use client';

import { useEffect, useState } from 'react';
import type { DagLayout } from './layout';
import type { LayoutReply, LayoutRequest } from './layout.worker';

/**
 * Lays out `edges` over `n` items in a Web Worker. Returns undefined until the layout arrives.
 * A new input (not a status change: statuses never re-layout) starts a new job; a stale reply is dropped.
 */
export function useDagLayout(input: { n: number; edges: Int32Array } | undefined) {
  const [result, setResult] = useState<{ layout?: DagLayout; error?: string }>({});
  useEffect(() => {
    if (!input) return;
    setResult({});
    const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { name: 'dag-layout' });
    const job = Date.now();
    worker.onmessage = (e: MessageEvent<LayoutReply>) => {
      if (e.data.job !== job) return;
      setResult('error' in e.data ? { error: e.data.error } : { layout: e.data.layout });
      worker.terminate();
    };
    worker.onerror = (e) => setResult({ error: e.message || 'layout worker failed' });
    // the edges are copied, not transferred: the page keeps its own
    worker.postMessage({ job, n: input.n, edges: input.edges } satisfies LayoutRequest);
    return () => worker.terminate();
  }, [input]);
  return result;
}
