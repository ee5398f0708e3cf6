/**
 * The store's Lua scripts. Money arrives from Node precomputed as strings and is stored as given:
 * Lua's tostring keeps only 14 significant digits. The one sum Lua does (the reserved total) is
 * written with %.17g, which round-trips a double exactly.
 */
import { luaScript } from './lua';

const FMT = `local function fmt(x) return string.format('%.17g', x) end`;

/** The reserved total; stores written before the total was kept sum the hash once. */
const RESERVED = `
local function reservedTotal(stateKey, reservationsKey)
  local r = redis.call('HGET', stateKey, 'reserved')
  if r then return tonumber(r) end
  local sum = 0
  for _, v in ipairs(redis.call('HVALS', reservationsKey)) do sum = sum + tonumber(v) end
  return sum
end`;

/**
 * KEYS: state, history, history:<market> × 4 (MARKETS order), series
 * ARGV: expected checkpoint, new checkpoint, balance, state JSON, history max, series max,
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
redis.call('HSET', KEYS[1], 'checkpoint', ARGV[2], 'balance', ARGV[3], 'state', ARGV[4])
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
 * KEYS: state, reservations. ARGV: id, amount, starting balance (used while nothing is applied).
 * Returns {1, available} when reserved or already reserved under this id (no second count),
 * {0, available} when balance − reserved < amount.
 */
export const reserveScript = luaScript(`
${FMT}
${RESERVED}
local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or ARGV[3])
local reserved = reservedTotal(KEYS[1], KEYS[2])
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return {1, fmt(balance - reserved)} end
local amount = tonumber(ARGV[2])
if balance - reserved < amount then return {0, fmt(balance - reserved)} end
reserved = reserved + amount
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], 'reserved', fmt(reserved))
return {1, fmt(balance - reserved)}
`);

/**
 * KEYS: state, reservations. ARGV: id. Returns 1 when removed, 0 when there was none.
 * The total restarts from 0 when the last reservation goes, so float residue cannot accumulate.
 */
export const releaseScript = luaScript(`
${FMT}
${RESERVED}
local v = redis.call('HGET', KEYS[2], ARGV[1])
if not v then return 0 end
local reserved = reservedTotal(KEYS[1], KEYS[2]) - tonumber(v)
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('HLEN', KEYS[2]) == 0 then reserved = 0 end
redis.call('HSET', KEYS[1], 'reserved', fmt(reserved))
return 1
`);

/** KEYS: state, reservations. ARGV: starting balance. Returns balance − reserved. */
export const availableScript = luaScript(`
${FMT}
${RESERVED}
local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or ARGV[1])
return fmt(balance - reservedTotal(KEYS[1], KEYS[2]))
`);
