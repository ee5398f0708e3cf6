import { performance } from 'node:perf_hooks';
import { connectRedis } from '@blockops/events';
import { acceptBatch, createTreasuryStore } from '@blockops/treasury';
import { chainBatch } from '../apps/worker/test/support/batches';

async function stats(redis: any) {
  const info: string = await redis.info('commandstats');
  const out: Record<string, number> = {};
  for (const line of info.split('\n')) {
    const m = /^cmdstat_(\w+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) out[m[1]!] = Number(m[3]);
  }
  return out;
}
async function main() {
  const redis = await connectRedis('redis://127.0.0.1:6379');
  const prefix = `scratch:${Date.now()}`;
  const store = createTreasuryStore({ redis, prefix, executors: { prefix: 'x', count: 2048 }, throttleDefaults: { maxInFlightChunks: 8, chunkSize: 250 } });
  for (let r = 0; r < 4; r++) {
    const items = chainBatch({ tag: `s${r}`, chains: 1000, depth: 10, fanIn: true });
    await redis.configResetStat();
    const t0 = performance.now();
    const a = await acceptBatch(store, { batchId: `b${r}`, items }, { newBatchId: () => 'x' });
    if (a.kind !== 'accepted') throw new Error(a.kind);
    const s1 = await stats(redis);
    const t1 = performance.now();
    let executed = 0;
    await Promise.all(
      [0, 1, 2, 3].map(async (c) => {
        let round = 0;
        let claim = await store.claimChunk(`b${r}`, `${c}.${round}`, 250);
        while (true) {
          if (!claim.items.length) {
            if (executed >= 10000) return;
            await new Promise((res) => setTimeout(res, 1));
            claim = await store.claimChunk(`b${r}`, `${c}.${++round}`, 250);
            continue;
          }
          const rec = await store.recordResults(
            `b${r}`,
            `${c}.${round}`,
            claim.items.map((i) => ({ id: i.id, kind: 'E' as const, txHash: `0x${i.id}`, units: i.units })),
            { claim: `${c}.${round + 1}`, size: 250 },
          );
          executed += rec.changed.length;
          round++;
          claim = rec.next ?? { items: [], readyLeft: 0, fresh: false };
        }
      }),
    );
    const t2 = performance.now();
    const s2 = await stats(redis);
    const ev = (s: Record<string, number>) => ((s.evalsha ?? 0) + (s.eval ?? 0)) / 1000;
    console.log(`intake ${(t1 - t0).toFixed(0)} ms (script ${ev(s1).toFixed(0)}) | exec ${(t2 - t1).toFixed(0)} ms (scripts ${(ev(s2) - ev(s1)).toFixed(0)} ms) executed ${executed}`);
    if (r === 3) console.log(Object.entries(s2).sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `${k}:${(v / 1000).toFixed(1)}`).join(' '));
  }
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
  await redis.quit();
}
main();
