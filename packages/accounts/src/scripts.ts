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

/**
 * KEYS: state, history, history:<market> × 4 (MARKETS order), series
 * ARGV: expected checkpoint, new checkpoint, balance (units), state JSON, history max, series max,
 *       series point JSON ('' = none), then per receipt: market index 1–4, receipt JSON
 * Returns 1 when applied, 0 when the checkpoint had moved (nothing written). Everything is read
 * and grouped before the first write, so a bad argument errors with nothing written.
 */
export const applyBatchScript = luaScript(`
local cp = redis.call('HGET', KEYS[1], 'checkpoint') or '0'
if cp ~= ARGV[1] then return 0 end
local historyMax, seriesMax = tonumber(ARGV[5]), tonumber(ARGV[6])
local all, per = {}, {{}, {}, {}, {}}
for i = 8, #ARGV, 2 do
  local list = per[tonumber(ARGV[i])]
  all[#all + 1] = ARGV[i + 1]
  list[#list + 1] = ARGV[i + 1]
end
redis.call('HSET', KEYS[1], 'checkpoint', ARGV[2], 'balance', ARGV[3], 'state', ARGV[4], 'format', '${STORE_FORMAT}')
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
return 1
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
