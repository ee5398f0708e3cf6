/**
 * KEYS: state, history, history:compute, history:storage, history:energy, history:ad, series
 * ARGV: expected checkpoint, new checkpoint, balance, state JSON, history max, series max,
 *       series point ('' = none), n, then n × (market index 1–4, receipt JSON)
 * Returns 1 when applied, 0 when the checkpoint had moved (nothing written).
 * Money arrives precomputed as strings: Lua's tostring would round it to 14 digits.
 */
export const APPLY_BATCH = `
local cp = redis.call('HGET', KEYS[1], 'checkpoint') or '0'
if cp ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'checkpoint', ARGV[2], 'balance', ARGV[3], 'state', ARGV[4])
local n = tonumber(ARGV[8])
if n > 0 then
  local all, per = {}, {{}, {}, {}, {}}
  for i = 0, n - 1 do
    local m = tonumber(ARGV[9 + 2 * i])
    local r = ARGV[10 + 2 * i]
    all[#all + 1] = r
    local list = per[m]
    list[#list + 1] = r
  end
  local function push(key, items)
    for s = 1, #items, 1000 do
      redis.call('LPUSH', key, unpack(items, s, math.min(s + 999, #items)))
    end
    if #items > 0 then redis.call('LTRIM', key, 0, tonumber(ARGV[5]) - 1) end
  end
  push(KEYS[2], all)
  for m = 1, 4 do push(KEYS[2 + m], per[m]) end
end
if ARGV[7] ~= '' then
  redis.call('RPUSH', KEYS[7], ARGV[7])
  redis.call('LTRIM', KEYS[7], -tonumber(ARGV[6]), -1)
end
return 1
`;

/**
 * KEYS: state, reservations. ARGV: id, amount, starting balance (when nothing applied yet).
 * Returns 1 when reserved (or already reserved under this id), 0 when balance − reserved < amount.
 */
export const RESERVE = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 1 end
local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or ARGV[3])
local reserved = 0
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do reserved = reserved + tonumber(v) end
if balance - reserved < tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`;
