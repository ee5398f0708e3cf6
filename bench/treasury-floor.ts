/**
 * A floor for issue 10's execution ratio, measured beside ours and the raw client in the same run:
 * the least any executor of this architecture does for a batch, and nothing more.
 * - kept: the whole batch validated (packages/domain, as ours) and stored before anything is sent;
 *   items and the DAG in Redis, changed atomically per round — a claim gives each item an executor
 *   and its next nonce before it is sent, a record marks it EXECUTED, frees the executor and
 *   releases its dependents (remaining count − 1, onto the ready list at 0); several rounds in
 *   flight, each one JSON-RPC batch to the devnet with the same signed intents as ours;
 * - left out: Temporal (no workflow, no activities), status indexes, per-item events and metrics,
 *   the emergency permit and the breaker, retries, cancels, cross-batch dependencies, replay
 *   fences. Redis is written in bulk (per-batch hashes, one command per structure and round), with
 *   no key or redis.call per item.
 * Not the product: a baseline that says what ratio an executor bound by the issue's architecture
 * can reach on this machine.
 */
import { performance } from 'node:perf_hooks';
import { finishBatch, lookupIds, parseBatch, unitsFromString, unitsToString } from '@blockops/domain';
import type { ChainClient, DisbursementIntent } from '@blockops/chain';
import { luaScript, type RedisClient } from '@blockops/events';
import { signIntent } from '../apps/worker/src/activities/treasury/sign';

const LIB = `
local P, B = ARGV[1], ARGV[2]
local bk = P .. ':b:' .. B
local function bulk(cmd, key, list)
  for s = 1, #list, 1000 do redis.call(cmd, key, unpack(list, s, math.min(s + 999, #list))) end
end
-- up to size ready items, each with a free executor and its next nonce: 'id executor nonce destination units memo'
local function claim(chunk, size, now)
  local k = math.min(size, redis.call('LLEN', bk .. ':ready'), redis.call('SCARD', P .. ':x:free'))
  if k <= 0 then return {} end
  local ids = redis.call('LPOP', bk .. ':ready', k)
  local execs = redis.call('SPOP', P .. ':x:free', k)
  local nonces = redis.call('HMGET', P .. ':x:nonce', unpack(execs))
  local entries = redis.call('HMGET', bk .. ':it', unpack(ids))
  local bump, st, out = {}, {}, {}
  for i, id in ipairs(ids) do
    local nonce = tonumber(nonces[i] or '0') + 1
    bump[#bump + 1] = execs[i]
    bump[#bump + 1] = nonce
    st[#st + 1] = id
    st[#st + 1] = 'Q ' .. execs[i] .. ' ' .. nonce .. ' ' .. chunk .. ' ' .. now
    out[#out + 1] = id .. ' ' .. execs[i] .. ' ' .. nonce .. ' ' .. entries[i]
  end
  redis.call('HSET', P .. ':x:nonce', unpack(bump))
  bulk('HSET', bk .. ':st', st)
  redis.call('RPUSH', bk .. ':c:' .. chunk, unpack(ids))
  return out
end
`;

/** ARGV: prefix, batch, entries ('id<TAB>destination units memo' lines), remaining ('id n' lines), dependents ('id a,b' lines), ready ids. */
const intakeScript = luaScript(`${LIB}
local ids, it, rem, dn, ready = {}, {}, {}, {}, {}
for id, e in string.gmatch(ARGV[3], '([^\\t\\n]+)\\t([^\\n]*)') do
  ids[#ids + 1] = id
  it[#it + 1] = id
  it[#it + 1] = e
end
for id, r in string.gmatch(ARGV[4], '(%S+) (%S+)') do
  rem[#rem + 1] = id
  rem[#rem + 1] = r
end
for id, d in string.gmatch(ARGV[5], '(%S+) (%S+)') do
  dn[#dn + 1] = id
  dn[#dn + 1] = d
end
for id in string.gmatch(ARGV[6], '%S+') do ready[#ready + 1] = id end
for s = 1, #ids, 1000 do
  for _, used in ipairs(redis.call('SMISMEMBER', P .. ':ids', unpack(ids, s, math.min(s + 999, #ids)))) do
    if used == 1 then return 'conflict' end
  end
end
bulk('SADD', P .. ':ids', ids)
bulk('HSET', bk .. ':it', it)
bulk('HSET', bk .. ':rem', rem)
bulk('HSET', bk .. ':dn', dn)
bulk('RPUSH', bk .. ':ready', ready)
redis.call('HSET', bk, 'QUEUED', #ids, 'EXECUTED', 0)
return 'ok'
`);

/** ARGV: prefix, batch, chunk, size, now. Returns {queued, claimed rows}. */
const claimScript = luaScript(`${LIB}
return {redis.call('HGET', bk, 'QUEUED'), claim(ARGV[3], tonumber(ARGV[4]), ARGV[5])}
`);

/** ARGV: prefix, batch, now, next chunk, size, answers ('id executor txHash' lines). Returns {queued, next claim rows, executed here}. */
const recordScript = luaScript(`${LIB}
local now = ARGV[3]
local ids, ex, tx = {}, {}, {}
for id, e, t in string.gmatch(ARGV[6], '(%S+) (%S+) (%S+)') do
  ids[#ids + 1] = id
  ex[#ex + 1] = e
  tx[#tx + 1] = t
end
-- only items still QUEUED change (a record applied twice changes nothing)
local cur = redis.call('HMGET', bk .. ':st', unpack(ids))
local st, txs, free, done = {}, {}, {}, {}
for i, id in ipairs(ids) do
  local c = cur[i]
  if c and string.sub(c, 1, 1) == 'Q' then
    st[#st + 1] = id
    st[#st + 1] = 'E' .. string.sub(c, 2) .. ' ' .. now
    txs[#txs + 1] = id
    txs[#txs + 1] = tx[i]
    free[#free + 1] = ex[i]
    done[#done + 1] = id
  end
end
if #done > 0 then
  bulk('HSET', bk .. ':st', st)
  bulk('HSET', bk .. ':tx', txs)
  bulk('SADD', P .. ':x:free', free)
  redis.call('HINCRBY', bk, 'QUEUED', -#done)
  redis.call('HINCRBY', bk, 'EXECUTED', #done)
  local dns = redis.call('HMGET', bk .. ':dn', unpack(done))
  local dec, order = {}, {}
  for i = 1, #done do
    if dns[i] then
      for d in string.gmatch(dns[i], '[^,]+') do
        if dec[d] then
          dec[d] = dec[d] + 1
        else
          dec[d] = 1
          order[#order + 1] = d
        end
      end
    end
  end
  if #order > 0 then
    local rem = redis.call('HMGET', bk .. ':rem', unpack(order))
    local set, ready = {}, {}
    for i, d in ipairs(order) do
      local r = tonumber(rem[i]) - dec[d]
      set[#set + 1] = d
      set[#set + 1] = r
      if r == 0 then ready[#ready + 1] = d end
    end
    bulk('HSET', bk .. ':rem', set)
    bulk('RPUSH', bk .. ':ready', ready)
  end
end
return {redis.call('HGET', bk, 'QUEUED'), claim(ARGV[4], tonumber(ARGV[5]), now), #done}
`);

export function createFloorExecutor(
  redis: RedisClient,
  chain: Pick<ChainClient, 'treasury'>,
  opts: { prefix: string; executors: number; chunk: number; inFlight: number },
) {
  const P = opts.prefix;
  return {
    /** The executor pool (its own names and nonces: never one of ours). */
    async prepare() {
      await redis.sAdd(
        `${P}:x:free`,
        Array.from({ length: opts.executors }, (_, i) => `floor-ex-${i}`),
      );
    },

    /**
     * Validates, stores and executes a batch; every item must execute (the floor has no error path).
     * `afterStore`: awaited between the store and the first round (a Temporal start, when measured with one).
     */
    async run(batchId: string, items: unknown[], afterStore?: () => Promise<void>) {
      const t0 = performance.now();
      const parsed = parseBatch({ batchId, items });
      const ids = lookupIds(parsed);
      const used = new Set<string>();
      (await redis.smIsMember(`${P}:ids`, ids)).forEach((u, i) => u && used.add(ids[i]!));
      const v = finishBatch(parsed, { idUsed: (id) => used.has(id), batchUsed: () => false });
      if (!v.ok) throw new Error(`floor: invalid batch (${JSON.stringify(v.issues.slice(0, 3))})`);
      const dependents = new Map<string, string[]>();
      for (const i of v.items) for (const d of i.dependsOn) (dependents.get(d) ?? dependents.set(d, []).get(d)!).push(i.id);
      let entries = '';
      let remaining = '';
      let ready = '';
      let dn = '';
      for (const i of v.items) {
        entries += `${entries ? '\n' : ''}${i.id}\t${i.destination} ${unitsToString(i.units)} ${(i.chainMemo ?? '').replace(/[\r\n\t]/g, ' ')}`;
        if (i.dependsOn.length) remaining += `${i.id} ${i.dependsOn.length}\n`;
        else ready += `${i.id} `;
      }
      for (const [d, l] of dependents) dn += `${d} ${l.join(',')}\n`;
      if ((await intakeScript(redis, [], [P, batchId, entries, remaining, dn, ready])) !== 'ok') throw new Error('floor: ids reused');
      const intakeMs = performance.now() - t0;
      if (afterStore) await afterStore();
      const startMs = performance.now() - t0 - intakeMs;

      // as our workflow launches: as many rounds in flight as the ready items fill, up to the bound
      const readyCount = v.items.length - v.items.filter((i) => i.dependsOn.length > 0).length;
      const loops = Math.min(opts.inFlight, Math.max(1, Math.ceil(readyCount / opts.chunk)));
      let queued = v.items.length;
      // all EXECUTED: when the last record that executed something was sent (as ours: the batch's lastExecutedAt)
      let lastExecutedAt = t0;
      // a round with nothing ready waits for another round's record (it may release items), not a timer
      let recorded: () => void = () => undefined;
      let nextRecord = new Promise<void>((r) => (recorded = r));
      const announce = () => {
        const wake = recorded;
        nextRecord = new Promise<void>((r) => (recorded = r));
        wake();
      };
      const toIntent = (row: string): DisbursementIntent => {
        const [id, executor, nonce, destination, units, ...memo] = row.split(' ') as string[];
        const m = memo.join(' ');
        const unsigned = {
          disbursement_id: id!,
          executor: executor!,
          nonce: Number(nonce),
          destination: destination!,
          amount: unitsFromString(units!),
          ...(m ? { memo: m } : {}),
        };
        return { ...unsigned, signature: signIntent(unsigned) };
      };
      await Promise.all(
        Array.from({ length: loops }, async (_, loop) => {
          let round = 0;
          const key = () => `${loop}.${round++}`;
          const claim = async () => {
            const [q, rows] = (await claimScript(redis, [], [P, batchId, key(), String(opts.chunk), String(Date.now())])) as [
              string,
              string[],
            ];
            queued = Math.min(queued, Number(q));
            return rows;
          };
          let rows = await claim();
          while (queued > 0) {
            if (!rows.length) {
              // (or 5 ms: a record that landed between this claim's reply and this wait was missed)
              await Promise.race([nextRecord, new Promise((r) => setTimeout(r, 5))]);
              rows = await claim();
              continue;
            }
            const intents = rows.map(toIntent);
            const answers = await chain.treasury.submitDisbursements(intents);
            let lines = '';
            answers.forEach((a, i) => {
              if (!a.ok) throw new Error(`floor: the node refused ${intents[i]!.disbursement_id}: ${a.error.message}`);
              lines += `${lines ? '\n' : ''}${intents[i]!.disbursement_id} ${intents[i]!.executor} ${a.result.tx_hash}`;
            });
            const sentAt = performance.now();
            const [q, next, executed] = (await recordScript(
              redis,
              [],
              [P, batchId, String(Date.now()), key(), String(opts.chunk), lines],
            )) as [string, string[], number];
            if (executed > 0) lastExecutedAt = Math.max(lastExecutedAt, sentAt);
            queued = Math.min(queued, Number(q));
            rows = next;
            announce();
          }
          announce(); // a round still waiting sees the batch done
        }),
      );
      const totalMs = lastExecutedAt - t0;
      const executed = Number(await redis.hGet(`${P}:b:${batchId}`, 'EXECUTED'));
      return { intakeMs, startMs, totalMs, executed };
    },
  };
}
