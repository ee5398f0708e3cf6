import { luaScript } from '@blockops/events';

/** Signed integer strings compared exactly (balances may exceed 2^53 units, beyond Lua's doubles). */
const CMP = `
local function cmp(a, b)
  local na, nb = a:sub(1, 1) == '-', b:sub(1, 1) == '-'
  if na ~= nb then return na and -1 or 1 end
  local x, y = na and a:sub(2) or a, nb and b:sub(2) or b
  local r
  if #x ~= #y then r = (#x < #y) and -1 or 1 elseif x == y then r = 0 else r = (x < y) and -1 or 1 end
  if na then r = -r end
  return r
end
`;

/**
 * The submission permit: reads the emergency state and records the intent to submit in ONE atomic
 * step. A HALT written before this runs refuses it; one written after sees its intent recorded
 * (so "what was in flight at the acknowledgement" is answerable). KEYS: state, intents.
 * ARGV: ids. Returns {1} or {0, state, reason}.
 */
export const permitScript = luaScript(`
local s = redis.call('HGET', KEYS[1], 'state')
if s == 'HALT' or s == 'SHUTDOWN' then
  return {0, s, redis.call('HGET', KEYS[1], 'reason') or ''}
end
local t = redis.call('TIME')
local ms = tostring(tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
-- one LPUSH per 1,000 intents (the same list as one LPUSH each)
local entries = {}
for i = 1, #ARGV do entries[i] = ms .. ' ' .. ARGV[i] end
for s = 1, #entries, 1000 do redis.call('LPUSH', KEYS[2], unpack(entries, s, math.min(s + 999, #entries))) end
redis.call('LTRIM', KEYS[2], 0, 9999)
return {1}
`);

/**
 * Daily-loss and drawdown marks: the balance before the first P&L update of each UTC day, and the
 * peak balance. KEYS: risk hash. ARGV: balance before, balance after (integer units), day
 * (YYYY-MM-DD). Returns {dayStart, peak}.
 */
export const markRiskScript = luaScript(`${CMP}
local before, after, day = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', KEYS[1], 'day') ~= day then
  redis.call('HSET', KEYS[1], 'day', day, 'dayStart', before)
end
local peak = redis.call('HGET', KEYS[1], 'peak') or before
if cmp(before, peak) > 0 then peak = before end
if cmp(after, peak) > 0 then peak = after end
redis.call('HSET', KEYS[1], 'peak', peak)
return {redis.call('HGET', KEYS[1], 'dayStart'), peak}
`);
