/**
 * The receiving side of events.bench.ts, in its own process so the clients do not starve the
 * publisher (nor it them): `clients` socket.io-client connections to the gateway, or `clients` raw
 * XREAD BLOCK readers of a stream (the baseline). Every event carries its index (`node_id` for the
 * gateway, field `k` for raw entries); each receiver records when each index arrived, on the
 * machine's clock (timeOrigin + now, comparable across processes), and counts duplicates and
 * indexes that arrive out of order.
 *
 * Messages (IPC): parent → { start: Options }; child → 'ready' when every receiver is connected and
 * live; parent → { report: sentAt[] } once publishing is done; child waits until every receiver
 * has every index or `settleMs` passes without progress, then → { stats: ReceiverStats[] }.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '@blockops/events';
import { connectRedis } from '@blockops/events';
import { percentile, round } from './stats';

export interface Options {
  mode: 'socket' | 'raw';
  clients: number;
  total: number;
  /** socket: the web's URL and the handshake */
  url?: string;
  auth?: HandshakeAuth;
  /** socket: the prefix of the bench's node_ids (`<prefix><index>`) */
  prefix?: string;
  /** raw: where to read */
  redisUrl?: string;
  stream?: string;
  settleMs?: number;
}

export interface ReceiverStats {
  received: number;
  lost: number;
  duplicated: number;
  out_of_order: number;
  /** messages the receiver got (socket: `events` messages; raw: XREAD replies) */
  messages: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

const clock = () => performance.timeOrigin + performance.now();

class Receiver {
  readonly at: Float64Array;
  duplicated = 0;
  outOfOrder = 0;
  messages = 0;
  unique = 0;
  private last = -1;
  constructor(total: number) {
    this.at = new Float64Array(total).fill(NaN);
  }
  got(index: number, now: number) {
    if (!(index >= 0 && index < this.at.length)) return; // not one of ours
    if (!Number.isNaN(this.at[index]!)) {
      this.duplicated++;
      return;
    }
    this.at[index] = now;
    this.unique++;
    if (index < this.last) this.outOfOrder++;
    this.last = index;
  }
  stats(sentAt: number[]): ReceiverStats {
    const lat: number[] = [];
    for (let i = 0; i < this.at.length; i++) if (!Number.isNaN(this.at[i]!)) lat.push(this.at[i]! - sentAt[i]!);
    return {
      received: this.unique,
      lost: this.at.length - this.unique,
      duplicated: this.duplicated,
      out_of_order: this.outOfOrder,
      messages: this.messages,
      p50_ms: round(percentile(lat, 50)),
      p99_ms: round(percentile(lat, 99)),
      max_ms: round(percentile(lat, 100)),
    };
  }
}

async function socketReceivers(o: Options): Promise<{ receivers: Receiver[]; close: () => Promise<void> }> {
  const prefix = o.prefix ?? '';
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  const receivers = await Promise.all(
    Array.from({ length: o.clients }, async () => {
      const r = new Receiver(o.total);
      const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(o.url!, {
        path: '/socket.io',
        transports: ['websocket'],
        auth: o.auth ?? { rooms: ['all'] },
        reconnection: false,
      });
      sockets.push(s);
      s.on('events', (batch) => {
        const now = clock();
        r.messages++;
        for (const e of batch) {
          const id = (e as { node_id?: string }).node_id;
          if (id?.startsWith(prefix)) r.got(Number(id.slice(prefix.length)), now);
        }
      });
      await new Promise<void>((resolve, reject) => {
        s.once('ready', () => resolve());
        s.once('connect_error', reject);
      });
      return r;
    }),
  );
  return { receivers, close: async () => sockets.forEach((s) => s.close()) };
}

async function rawReceivers(o: Options): Promise<{ receivers: Receiver[]; close: () => Promise<void> }> {
  const redis = await connectRedis(o.redisUrl!);
  let reading = true;
  const conns: ReturnType<typeof redis.duplicate>[] = [];
  const loops: Promise<void>[] = [];
  const receivers: Receiver[] = [];
  // the stream's position before anything is published, so each reader starts at the same place
  const start = ((await redis.xRevRange(o.stream!, '+', '-', { COUNT: 1 })) as { id: string }[])[0]?.id ?? '0-0';
  for (let c = 0; c < o.clients; c++) {
    const r = new Receiver(o.total);
    receivers.push(r);
    const conn = redis.duplicate();
    conn.on('error', () => {});
    await conn.connect();
    conns.push(conn);
    loops.push(
      (async () => {
        let cursor = start;
        while (reading) {
          const reply = (await conn.xRead({ key: o.stream!, id: cursor }, { BLOCK: 200, COUNT: 1000 }).catch(() => null)) as
            { messages: { id: string; message: Record<string, string> }[] }[] | null;
          const messages = reply?.[0]?.messages ?? [];
          if (messages.length === 0) continue;
          const now = clock();
          r.messages++;
          for (const m of messages) r.got(Number(m.message.k), now);
          cursor = messages.at(-1)!.id;
        }
      })(),
    );
  }
  return {
    receivers,
    close: async () => {
      reading = false;
      await Promise.all(loops);
      for (const c of conns) c.destroy();
      redis.destroy();
    },
  };
}

process.on('message', (msg: { start?: Options }) => {
  if (!msg.start) return;
  const o = msg.start;
  void (async () => {
    const { receivers, close } = await (o.mode === 'socket' ? socketReceivers(o) : rawReceivers(o));
    const report = await new Promise<number[]>((resolve) => {
      const on = (m: { report?: number[] }) => {
        if (!m.report) return;
        process.off('message', on);
        resolve(m.report);
      };
      process.on('message', on);
      process.send!('ready');
    });
    // wait for every index to arrive, or for progress to stop for settleMs
    const settle = o.settleMs ?? 5000;
    let seen = -1;
    let since = Date.now();
    for (;;) {
      const now = receivers.reduce((n, r) => n + r.unique, 0);
      if (now === o.total * receivers.length) break;
      if (now !== seen) [seen, since] = [now, Date.now()];
      else if (Date.now() - since > settle) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // a straggling duplicate would come right after: give it a moment
    await new Promise((r) => setTimeout(r, 200));
    const stats = receivers.map((r) => r.stats(report));
    const pooled: number[] = [];
    for (const r of receivers) for (let i = 0; i < r.at.length; i++) if (!Number.isNaN(r.at[i]!)) pooled.push(r.at[i]! - report[i]!);
    const all = { p50_ms: round(percentile(pooled, 50)), p99_ms: round(percentile(pooled, 99)), max_ms: round(percentile(pooled, 100)) };
    await close();
    process.send!({ stats, all }, () => process.exit(0));
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
