/**
 * The store's Lua scripts. Every amount is an integer string of micro-token units (codec.ts).
 * Lua's numbers are doubles, exact only up to 2^53, so no script turns an amount into a number:
 * the one sum kept in Redis, the reserved total, is HINCRBY (exact int64, refusing to overflow),
 * and comparisons compare integer strings. The balance is computed in Node (bigint) and stored.
 * Every write of the state hash also stamps the store format, so a store is never half-described.
 */
import { STORE_FORMAT } from './codec';
import { luaScript } from './lua';

/** cmp(a, b) of canonical integer strings (no leading zeros, no "-0", as Redis and BigInt write them): -1, 0 or 1. */
const CMP = `
local function cmp(a, b)
  local na, nb = string.sub(a, 1, 1) == '-', string.sub(b, 1, 1) == '-'
  if na ~= nb then return na and -1 or 1 end
  if na then a, b = string.sub(b, 2), string.sub(a, 2) end
  if #a ~= #b then return #a < #b and -1 or 1 end
  if a == b then return 0 end
  return a < b and -1 or 1
end`;

/** Moves an operation id to the sorted set of its new status (sets named in OPERATION_STATUSES order from KEYS[first]). */
const MOVE_STATUS = `
local STATUSES = {'SUBMITTED', 'CONFIRMED', 'EXPIRED', 'REJECTED', 'FAILED'}
local function moveStatus(first, id, status, score)
  for i, s in ipairs(STATUSES) do
    if s == status then redis.call('ZADD', KEYS[first + i - 1], score, id) else redis.call('ZREM', KEYS[first + i - 1], id) end
  end
end`;

/**
 * KEYS: state, history, history:<market> × 4 (MARKETS order), series,
 *       ops records, ops charges, ops announce, ops status sets × 5 (OPERATION_STATUSES order)
 * ARGV: expected checkpoint, new checkpoint, balance (units), state JSON, history max, series max,
 *       series point JSON ('' = none), genesis hash of the receipts' chain ('' = unchecked; recorded
 *       when the store has none yet), now (ms), receipt count n,
 *       then per receipt: market index 1–4, receipt JSON with integer unit strings,
 *       then per charged operation (5 each): id, charge JSON (actualCost in units), record as read
 *       ('' = none), late record ('' = the record stays as it is), the status the late record leaves
 * Returns 1 when applied; 0 when the checkpoint had moved, -1 when the store belongs to another
 * chain, -2 when an operation record changed since it was read (nothing written in all three).
 * Everything is checked before the first write, so a bad argument or a refusal writes nothing.
 */
export const applyBatchScript = luaScript(`
${MOVE_STATUS}
local cp = redis.call('HGET', KEYS[1], 'checkpoint') or '0'
if cp ~= ARGV[1] then return 0 end
local bindGenesis = false
if ARGV[8] ~= '' then
  local genesis = redis.call('HGET', KEYS[1], 'genesisHash')
  if genesis and genesis ~= ARGV[8] then return -1 end
  bindGenesis = not genesis
end
local historyMax, seriesMax, now, n = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[9], tonumber(ARGV[10])
local all, per = {}, {{}, {}, {}, {}}
for i = 11, 10 + 2 * n, 2 do
  local list = per[tonumber(ARGV[i])]
  all[#all + 1] = ARGV[i + 1]
  list[#list + 1] = ARGV[i + 1]
end
local opsFrom = 11 + 2 * n
for i = opsFrom, #ARGV, 5 do
  if (redis.call('HGET', KEYS[8], ARGV[i]) or '') ~= ARGV[i + 2] then return -2 end
end
redis.call('HSET', KEYS[1], 'checkpoint', ARGV[2], 'balance', ARGV[3], 'state', ARGV[4], 'format', '${STORE_FORMAT}')
if bindGenesis then redis.call('HSET', KEYS[1], 'genesisHash', ARGV[8]) end
local function push(key, items)
  if #items == 0 then return end
  -- unpack is bounded by Lua's C stack (8000): push in slices
  for s = 1, #items, 1000 do redis.call('LPUSH', key, unpack(items, s, math.min(s + 999, #items))) end
  redis.call('LTRIM', key, 0, historyMax - 1)
end
push(KEYS[2], all)
for m = 1, 4 do push(KEYS[2 + m], per[m]) end
if ARGV[7] ~= '' then
  redis.call('RPUSH', KEYS[7], ARGV[7])
  redis.call('LTRIM', KEYS[7], -seriesMax, -1)
end
for i = opsFrom, #ARGV, 5 do
  local id = ARGV[i]
  redis.call('HSET', KEYS[9], id, ARGV[i + 1])
  if ARGV[i + 3] ~= '' then
    redis.call('HSET', KEYS[8], id, ARGV[i + 3])
    moveStatus(11, id, 'CONFIRMED', now)
    redis.call('HSET', KEYS[10], id, ARGV[i + 3])
  end
end
return 1
`);

/**
 * KEYS: ops records, ops charges, ops status sets × 5 (OPERATION_STATUSES order), state
 * ARGV: id, record as read ('' = none), charge as read ('' = none), new record JSON (amounts as
 *       integer unit strings), its status, score (ms), closed records kept per status
 * Returns 1 when written, 0 when the record or the charge changed since they were read. The records
 * share the prefix's store format (format.ts): a write stamps it when the store has none yet.
 */
export const operationCasScript = luaScript(`
${MOVE_STATUS}
local id = ARGV[1]
if (redis.call('HGET', KEYS[1], id) or '') ~= ARGV[2] then return 0 end
if (redis.call('HGET', KEYS[2], id) or '') ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], id, ARGV[4])
moveStatus(3, id, ARGV[5], ARGV[6])
redis.call('HSETNX', KEYS[8], 'format', '${STORE_FORMAT}')
if ARGV[5] ~= 'SUBMITTED' then
  local set = KEYS[3 + ({SUBMITTED = 0, CONFIRMED = 1, EXPIRED = 2, REJECTED = 3, FAILED = 4})[ARGV[5]]]
  redis.call('ZREMRANGEBYRANK', set, 0, -tonumber(ARGV[7]) - 1)
end
return 1
`);

/**
 * KEYS: state. ARGV: chain id, genesis hash.
 * Records the chain the accounting state belongs to, or compares with the one recorded:
 * {'bound'} first time on an empty store, {'adopted', checkpoint} first time on a store that has
 * already applied blocks (written before chains were recorded), {'same'}, or
 * {'mismatch', recorded chain id, recorded genesis hash} — nothing written then.
 */
export const bindChainScript = luaScript(`
local genesis = redis.call('HGET', KEYS[1], 'genesisHash')
if genesis then
  if genesis == ARGV[2] then
    redis.call('HSETNX', KEYS[1], 'chainId', ARGV[1])
    return {'same'}
  end
  return {'mismatch', redis.call('HGET', KEYS[1], 'chainId') or '', genesis}
end
local cp = redis.call('HGET', KEYS[1], 'checkpoint') or '0'
redis.call('HSET', KEYS[1], 'chainId', ARGV[1], 'genesisHash', ARGV[2])
if cp ~= '0' then return {'adopted', cp} end
return {'bound'}
`);

/**
 * KEYS: state, reservations. ARGV: id, amount (units, > 0), starting balance (units; used while
 * nothing is applied). Returns {1|0, balance, reserved}: 1 when reserved, or already reserved
 * under this id (no second count); 0, with nothing changed, when balance − reserved < amount.
 * The reserved total is HINCRBY'd first (exact), then balance ≥ reserved is compared as integer
 * strings, and the increment undone when it does not hold: exact at any size.
 */
export const reserveScript = luaScript(`
${CMP}
local balance = redis.call('HGET', KEYS[1], 'balance') or ARGV[3]
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return {1, balance, redis.call('HGET', KEYS[1], 'reserved') or '0'}
end
redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[2])
-- read back as a string: HINCRBY's reply is a Lua number, exact only to 2^53
local reserved = redis.call('HGET', KEYS[1], 'reserved')
if cmp(balance, reserved) < 0 then
  redis.call('HINCRBY', KEYS[1], 'reserved', '-' .. ARGV[2])
  return {0, balance, redis.call('HGET', KEYS[1], 'reserved')}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], 'format', '${STORE_FORMAT}')
return {1, balance, reserved}
`);

/** KEYS: state, reservations. ARGV: id. Returns 1 when removed, 0 when there was none. */
export const releaseScript = luaScript(`
local v = redis.call('HGET', KEYS[2], ARGV[1])
if not v then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'reserved', '-' .. v)
return 1
`);
