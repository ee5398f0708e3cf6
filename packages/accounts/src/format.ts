/**
 * The store format, checked when a process starts. Format 1 (before exact money) kept amounts as
 * JSON floats; format 2 keeps integer unit strings (codec.ts). A format-1 store is migrated exactly
 * — every float read as the decimal it was written as — or, when any value cannot be (float residue
 * such as 7016.059999999998, which no exact amount produces), left untouched and refused with a
 * message naming the key and how to start afresh. Nothing is ever silently misread.
 */
import { MARKETS, unitsFromJsonNumber, type AccountingReceipt, type Units } from '@blockops/domain';
import type { RedisClient } from '@blockops/events';
import { WatchError } from 'redis';
import { STORE_FORMAT, StoreFormatError, encodePoint, encodeReceipt, encodeState } from './codec';
import { accountingKeys } from './keys';

export type FormatCheck =
  { status: 'fresh' | 'current' } | { status: 'migrated'; receipts: number; points: number; reservations: number; operations: number };

/** Thrown (as a StoreFormatError) with what to do; `key` is the first value that cannot be read exactly. */
function refusal(prefix: string, key: string, problem: string, redisUrl: string | undefined): StoreFormatError {
  const cli = `redis-cli${redisUrl ? ` -u ${redisUrl}` : ''}`;
  return new StoreFormatError(
    `the accounting store at ${key} was written by an older blockops with float amounts, and ${problem}: it cannot be read exactly. ` +
      `Nothing was changed. To start the accounting afresh (the receipt poller rebuilds it from the chain; reservations and the operations ` +
      `index under ${prefix} are cleared too), stop blockops and delete the keys: ` +
      `${cli} --scan --pattern '${prefix.replace(/'/g, `'\\''`)}:*' | xargs -r ${cli} del`,
  );
}

/** A format-1 JSON number, exactly, or a refusal naming where it was. */
function exact(v: unknown, where: string, signed = false): Units {
  if (typeof v !== 'number') throw new Error(`${where} is ${JSON.stringify(v)}, not a number`);
  try {
    return unitsFromJsonNumber(v, { allowNegative: signed });
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}

type Old = Record<string, unknown>;
const optional = (v: unknown, where: string) => (v === undefined || v === null ? undefined : exact(v, where));

function migrateState(json: string) {
  const o = JSON.parse(json) as Old & { positions: Record<string, Old> };
  return {
    startingBalance: exact(o.startingBalance, 'state.startingBalance'),
    balance: exact(o.balance, 'state.balance', true),
    positions: Object.fromEntries(
      MARKETS.map((m) => {
        const p = o.positions[m]!;
        return [
          m,
          {
            totalSpent: exact(p.totalSpent, `state.positions.${m}.totalSpent`),
            totalEarned: exact(p.totalEarned, `state.positions.${m}.totalEarned`),
            unitsConsumed: p.unitsConsumed as number,
            subsidies: exact(p.subsidies, `state.positions.${m}.subsidies`, true),
            receipts: p.receipts as number,
          },
        ];
      }),
    ) as never,
    receiptsProcessed: o.receiptsProcessed as number,
    lastHeight: o.lastHeight as number,
  };
}

function migrateReceipt(json: string) {
  const o = JSON.parse(json) as Old & { id: string };
  return encodeReceipt({
    ...(o as object as AccountingReceipt),
    amount: exact(o.amount, `receipt ${o.id} amount`),
    subsidy: optional(o.subsidy, `receipt ${o.id} subsidy`),
  });
}

function migratePoint(json: string) {
  const o = JSON.parse(json) as Old & { byMarket: Old };
  const at = `point at height ${String(o.height)}`;
  return encodePoint({
    t: o.t as number,
    height: o.height as number,
    total: exact(o.total, `${at} total`, true),
    byMarket: Object.fromEntries(MARKETS.map((m) => [m, exact(o.byMarket[m] ?? 0, `${at} byMarket.${m}`, true)])) as never,
    balance: exact(o.balance, `${at} balance`, true),
  });
}

function migrateCharge(json: string) {
  const o = JSON.parse(json) as Old & { operationId: string };
  return JSON.stringify({ ...o, actualCost: exact(o.actualCost, `charge of operation ${o.operationId} actualCost`).toString() });
}

function migrateOperation(json: string) {
  const o = JSON.parse(json) as Old & { operationId: string };
  const at = `operation ${o.operationId}`;
  return JSON.stringify({
    ...o,
    estimatedCost: exact(o.estimatedCost, `${at} estimatedCost`).toString(),
    actualCost: optional(o.actualCost, `${at} actualCost`)?.toString(),
  });
}

/**
 * Makes sure the store under `prefix` is in the current format: stamps a fresh one, migrates a
 * format-1 one exactly (atomically: WATCH + MULTI, retried if another process writes meanwhile),
 * or throws a StoreFormatError naming the key and what to do. Call it before the store is used.
 */
export async function ensureStoreFormat(opts: { redis: RedisClient; prefix: string; redisUrl?: string }): Promise<FormatCheck> {
  const k = accountingKeys(opts.prefix);
  const ops = k.ops;
  const lists = [k.history, ...k.markets, k.series];
  const watched = [k.state, k.reservations, ...lists, ops.records, ops.charges, ops.announce];
  // WATCH belongs to a connection: use one of our own, not the shared client (one attempt to connect: this runs at start)
  const c = opts.redis.duplicate({ socket: { ...opts.redis.options?.socket, reconnectStrategy: false } });
  c.on('error', () => {
    /* surfaced by the command that fails */
  });
  try {
    await c.connect();
    for (let attempt = 0; ; attempt++) {
      try {
        return await once();
      } catch (err) {
        if (!(err instanceof WatchError) || attempt >= 10) throw err;
      }
    }
  } finally {
    c.destroy();
  }

  async function once(): Promise<FormatCheck> {
    await c.watch(watched);
    const format = await c.hGet(k.state, 'format');
    if (format === STORE_FORMAT) {
      await c.unwatch();
      return { status: 'current' };
    }
    if (format !== null) {
      await c.unwatch();
      throw new StoreFormatError(
        `the accounting store at ${k.state} has format ${JSON.stringify(format)}, unknown to this blockops (it reads format ${STORE_FORMAT}): run the blockops version that wrote it`,
      );
    }
    if ((await c.exists(watched)) === 0) {
      await c.multi().hSet(k.state, 'format', STORE_FORMAT).exec();
      return { status: 'fresh' };
    }
    // format 1: read everything, convert exactly, write it back in one transaction
    const [state, reservations, operations, charges, announce] = await Promise.all([
      c.hGetAll(k.state),
      c.hGetAll(k.reservations),
      c.hGetAll(ops.records),
      c.hGetAll(ops.charges),
      c.hGetAll(ops.announce),
    ]);
    const listItems = await Promise.all(lists.map((l) => c.lRange(l, 0, -1)));
    let key = k.state;
    const tx = c.multi();
    try {
      const next = state.state ? migrateState(state.state) : undefined;
      key = k.reservations;
      let reserved = 0n;
      for (const [id, v] of Object.entries(reservations)) {
        // format 1 wrote String(amount): the shortest form of the number, so Number() gives it back
        const units = exact(Number(v), `reservation ${id}`);
        reserved += units;
        tx.hSet(k.reservations, id, units.toString());
      }
      for (const [i, l] of lists.entries()) {
        key = l;
        const items = listItems[i]!;
        const converted = l === k.series ? items.map(migratePoint) : items.map(migrateReceipt);
        tx.del(l);
        for (let s = 0; s < converted.length; s += 1000) tx.rPush(l, converted.slice(s, s + 1000));
      }
      key = ops.records;
      for (const [id, json] of Object.entries(operations)) tx.hSet(ops.records, id, migrateOperation(json));
      key = ops.charges;
      for (const [id, json] of Object.entries(charges)) tx.hSet(ops.charges, id, migrateCharge(json));
      key = ops.announce;
      for (const [id, json] of Object.entries(announce)) tx.hSet(ops.announce, id, migrateOperation(json));
      tx.hSet(k.state, {
        ...(next ? { balance: next.balance.toString(), state: encodeState(next) } : {}),
        reserved: reserved.toString(),
        format: STORE_FORMAT,
      });
    } catch (err) {
      // what was read may be another process's migration landing meanwhile: an empty EXEC under
      // the WATCH tells (WatchError → read again); else the data is format 1 and cannot be converted
      await c.multi().exec();
      throw refusal(opts.prefix, key, (err as Error).message, opts.redisUrl);
    }
    await tx.exec();
    return {
      status: 'migrated',
      receipts: listItems[0]!.length,
      points: listItems.at(-1)!.length,
      reservations: Object.keys(reservations).length,
      operations: Object.keys(operations).length,
    };
  }
}
