/**
 * The breaker's steps as Redis Lua scripts: one script per step of packages/domain's state machine
 * (admit, recordSuccess, recordFailure, releaseProbe, tick, forceOpen, forceClose, reset), each
 * atomic, so two workers never disagree. The domain functions are the specification; the
 * property test in test/store.int.test.ts runs random step sequences through both and compares.
 *
 * KEYS: the breaker's hash, its probe-lease sorted set (lease id → expiry ms), the set of names.
 * ARGV: name, change channel, now ('' = Redis TIME, the one clock every worker shares; tests pass
 *       one), failureThreshold, windowMs, openMs, halfOpenProbes, successThreshold, probeLeaseMs,
 *       lease id ('' = none).
 * Returns the snapshot after the step, with the transition and decision, as JSON. Times travel as
 * integer strings: Lua's tostring keeps 14 significant digits.
 */
import { luaScript } from '@blockops/events';

const PRELUDE = `
local name, channel = ARGV[1], ARGV[2]
local now
if ARGV[3] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[3])
end
local cfg = {
  threshold = tonumber(ARGV[4]), window = tonumber(ARGV[5]), open = tonumber(ARGV[6]),
  probes = tonumber(ARGV[7]), successes = tonumber(ARGV[8]), lease = tonumber(ARGV[9]),
}
local lease = ARGV[10]
local function fmt(x) return string.format('%d', x) end
local function num(v) if not v or v == '' then return nil end return tonumber(v) end

local raw = redis.call('HMGET', KEYS[1], 'state', 'failures', 'successes', 'opened_at', 'changed_at', 'version')
local s = {
  state = raw[1] or 'closed', failures = {}, successes = num(raw[3]) or 0,
  opened_at = num(raw[4]), changed_at = num(raw[5]) or 0, version = num(raw[6]) or 0,
}
if raw[2] and raw[2] ~= '' then
  for t in string.gmatch(raw[2], '[^,]+') do s.failures[#s.failures + 1] = tonumber(t) end
end
local changed, transition = false, false

local function moveTo(to, trigger)
  transition = { from = s.state, to = to, trigger = trigger, at = fmt(now) }
  s.state, s.changed_at, s.failures, s.successes = to, now, {}, 0
  redis.call('DEL', KEYS[2])
  if to == 'open' or to == 'forced_open' then s.opened_at = now elseif to ~= 'half_open' then s.opened_at = nil end
  changed = true
end
local function openUntil() return (s.opened_at or 0) + cfg.open end
local function sweep() return redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', fmt(now)) > 0 end
local function liveLease()
  if lease == '' then return false end
  local e = redis.call('ZSCORE', KEYS[2], lease)
  return e and tonumber(e) > now
end

local function finish(decision)
  local failures = {}
  for i, t in ipairs(s.failures) do failures[i] = fmt(t) end
  local openedAt = s.opened_at and fmt(s.opened_at) or ''
  if changed then
    s.version = s.version + 1
    redis.call('HSET', KEYS[1], 'state', s.state, 'failures', table.concat(failures, ','), 'successes', tostring(s.successes),
      'opened_at', openedAt, 'changed_at', fmt(s.changed_at), 'version', tostring(s.version))
    redis.call('SADD', KEYS[3], name)
    -- every worker keeps a local view (its closed fast path) fresh from this
    redis.call('PUBLISH', channel, cjson.encode({ name = name, state = s.state, failures = #s.failures, version = s.version,
      openedAt = openedAt, now = fmt(now) }))
  end
  return cjson.encode({
    now = fmt(now), state = s.state, failures = failures, successes = s.successes, openedAt = openedAt,
    changedAt = fmt(s.changed_at), version = s.version, probes = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES'),
    transition = transition, decision = decision or false,
  })
end
`;

const step = (body: string) => luaScript(`${PRELUDE}\n${body}`);

/** The decision's `retryAt` is an integer string; `probe` the lease granted in half-open. */
export const admitScript = step(`
if s.state == 'open' and now >= openUntil() then moveTo('half_open', 'open_timeout') end
if s.state == 'closed' or s.state == 'forced_closed' then return finish({ admitted = true }) end
if s.state == 'forced_open' then return finish({ admitted = false, state = s.state, retryAt = fmt(now + cfg.open) }) end
if s.state == 'open' then return finish({ admitted = false, state = s.state, retryAt = fmt(openUntil()) }) end
if sweep() then changed = true end
if redis.call('ZCARD', KEYS[2]) < cfg.probes then
  redis.call('ZADD', KEYS[2], fmt(now + cfg.lease), lease)
  changed = true
  return finish({ admitted = true, probe = lease })
end
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
return finish({ admitted = false, state = s.state, retryAt = first[2] })
`);

export const recordSuccessScript = step(`
if s.state == 'closed' and #s.failures > 0 then
  s.failures = {}
  changed = true
elseif s.state == 'half_open' and liveLease() then
  redis.call('ZREM', KEYS[2], lease)
  s.successes = s.successes + 1
  changed = true
  if s.successes >= cfg.successes then moveTo('closed', 'probe_successes') end
end
return finish()
`);

export const recordFailureScript = step(`
if s.state == 'closed' then
  local kept = {}
  for _, t in ipairs(s.failures) do if t > now - cfg.window then kept[#kept + 1] = t end end
  kept[#kept + 1] = now
  s.failures = {}
  for i = math.max(1, #kept - cfg.threshold + 1), #kept do s.failures[#s.failures + 1] = kept[i] end
  changed = true
  if #s.failures >= cfg.threshold then moveTo('open', 'failures') end
elseif s.state == 'half_open' and liveLease() then
  moveTo('open', 'probe_failure')
end
return finish()
`);

export const releaseProbeScript = step(`
if s.state == 'half_open' and lease ~= '' and redis.call('ZREM', KEYS[2], lease) == 1 then changed = true end
return finish()
`);

export const tickScript = step(`
if s.state == 'open' and now >= openUntil() then moveTo('half_open', 'open_timeout')
elseif s.state == 'half_open' and sweep() then changed = true end
return finish()
`);

export const forceOpenScript = step(`
if s.state ~= 'forced_open' then moveTo('forced_open', 'force_open') end
return finish()
`);

export const forceCloseScript = step(`
if s.state ~= 'forced_closed' then moveTo('forced_closed', 'force_close') end
return finish()
`);

export const resetScript = step(`
if s.state ~= 'closed' then moveTo('closed', 'reset')
elseif #s.failures > 0 then s.failures = {}; changed = true end
return finish()
`);

/** Reads the snapshot with the server's clock, changing nothing. */
export const snapshotScript = step(`return finish()`);

/**
 * KEYS: the breaker's hash. ARGV: note JSON, the version the transition produced. Keeps the note of
 * the newest transition only (two processes may note theirs in either order). Returns 1 if kept.
 */
export const noteScript = luaScript(`
local cur = redis.call('HGET', KEYS[1], 'last_version')
if cur and tonumber(cur) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'last', ARGV[1], 'last_version', ARGV[2])
return 1
`);
