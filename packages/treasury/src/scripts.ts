/**
 * The treasury store's Lua scripts: every transition of an item is atomic with the counts, the
 * status sets, its dependents' remaining counts and the ready list. Keys are built from the prefix
 * (ARGV[1]) exactly as keys.ts names them. Amounts are integer strings of units (HINCRBY: exact int64).
 */
import { luaScript } from '@blockops/accounts';

/** Shared helpers: key names (as keys.ts), a status move, the transitive cancel. */
const LIB = `
local P = ARGV[1]
local function ik(id) return P .. ':i:' .. id end
local function bk(b) return P .. ':b:' .. b end
local function counts(b) return redis.call('HMGET', bk(b), 'QUEUED', 'EXECUTED', 'CANCELLED', 'FAILED') end
-- moves an item between statuses: batch counts, status sets, the global queued count
local function move(id, b, idx, from, to, now)
  local key = bk(b)
  redis.call('HINCRBY', key, from, -1)
  redis.call('HINCRBY', key, to, 1)
  redis.call('ZREM', key .. ':s:' .. from, id)
  redis.call('ZADD', key .. ':s:' .. to, idx, id)
  redis.call('HSET', key, 'updatedAt', now)
  if from == 'QUEUED' then redis.call('HINCRBY', P .. ':stats', 'queued', -1) end
end
-- every QUEUED item reachable through the dependents of id is CANCELLED, naming root as its cause
local function cancelDependents(id, root, reason, now, out, touched)
  local queue, head = {id}, 1
  local why = 'dependency ' .. root .. ' did not execute: ' .. reason
  while head <= #queue do
    local u = queue[head]
    head = head + 1
    for _, d in ipairs(redis.call('SMEMBERS', ik(u) .. ':dn')) do
      local h = redis.call('HMGET', ik(d), 'status', 'batch', 'idx')
      if h[1] == 'QUEUED' then
        redis.call('HSET', ik(d), 'status', 'CANCELLED', 'reason', why, 'root', root, 'at', now)
        move(d, h[2], h[3], 'QUEUED', 'CANCELLED', now)
        out[#out + 1] = {d, h[2], 'CANCELLED', '', '', why, root}
        touched[h[2]] = true
        queue[#queue + 1] = d
      end
    end
  end
end
`;

/**
 * Intake of a whole batch, all or nothing. ARGV: prefix, batchId, workflowId, now, staging memo key
 * ('' = none), total units, levels, then per item: id, destination, units, chain memo, dependencies
 * (comma-joined), level. Refuses (writing nothing) a used batch id, used item ids (all of them
 * listed) or an unknown dependency; otherwise stores items, dependents, remaining counts, the ready
 * list, and cancels at once items whose dependency from an earlier batch was cancelled or failed.
 * Returns {'ok', ready, changed} | {'conflict_batch'} | {'conflict_ids', id…} | {'unknown', id, dependency}.
 */
export const intakeScript = luaScript(`${LIB}
local B, WF, now, stage = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local F, first = 6, 8
local n = (#ARGV - first + 1) / F
local bkey = bk(B)
if redis.call('EXISTS', bkey) == 1 then return {'conflict_batch'} end
local ids, inBatch = {}, {}
local conflicts = {'conflict_ids'}
for k = 0, n - 1 do
  local id = ARGV[first + k * F]
  ids[k + 1] = id
  inBatch[id] = true
  if redis.call('SISMEMBER', P .. ':ids', id) == 1 then conflicts[#conflicts + 1] = id end
end
if #conflicts > 1 then return conflicts end
local ext = {}
for k = 0, n - 1 do
  for d in string.gmatch(ARGV[first + k * F + 4], '[^,]+') do
    if not inBatch[d] and ext[d] == nil then
      if redis.call('SISMEMBER', P .. ':ids', d) == 0 then return {'unknown', ids[k + 1], d} end
      ext[d] = redis.call('HMGET', ik(d), 'status', 'reason', 'root')
    end
  end
end
-- nothing was written above: a refused batch leaves no trace
redis.call('HSET', bkey, 'batchId', B, 'workflowId', WF, 'createdAt', now, 'updatedAt', now, 'total', n,
  'QUEUED', n, 'EXECUTED', 0, 'CANCELLED', 0, 'FAILED', 0, 'totalUnits', ARGV[6], 'executedUnits', 0, 'levels', ARGV[7], 'halted', '')
redis.call('ZADD', P .. ':batches', now, B)
redis.call('HINCRBY', P .. ':stats', 'queued', n)
local rem, dead = {}, {}
local qkey, okey = bkey .. ':s:QUEUED', bkey .. ':order'
for k = 0, n - 1 do
  local base = first + k * F
  local id, deps = ARGV[base], ARGV[base + 4]
  local r = 0
  for d in string.gmatch(deps, '[^,]+') do
    local e = ext[d]
    if e == nil or e[1] == 'QUEUED' then
      r = r + 1
      redis.call('SADD', ik(d) .. ':dn', id)
    elseif e[1] ~= 'EXECUTED' and dead[k + 1] == nil then
      dead[k + 1] = d
    end
  end
  rem[k + 1] = r
  redis.call('HSET', ik(id), 'batch', B, 'idx', k, 'dest', ARGV[base + 1], 'units', ARGV[base + 2], 'cmemo', ARGV[base + 3],
    'deps', deps, 'level', ARGV[base + 5], 'status', 'QUEUED', 'rem', r, 'att', 0)
  redis.call('SADD', P .. ':ids', id)
  redis.call('RPUSH', okey, id)
  redis.call('ZADD', qkey, k, id)
end
local out, touched = {}, {}
for k = 1, n do
  local d = dead[k]
  if d and redis.call('HGET', ik(ids[k]), 'status') == 'QUEUED' then
    local e = ext[d]
    local root = (e[3] and e[3] ~= '') and e[3] or d
    local why = 'dependency ' .. d .. ' was ' .. string.lower(e[1] or 'lost') .. ' earlier: ' .. (e[2] or '')
    redis.call('HSET', ik(ids[k]), 'status', 'CANCELLED', 'reason', why, 'root', root, 'at', now)
    move(ids[k], B, k - 1, 'QUEUED', 'CANCELLED', now)
    out[#out + 1] = {ids[k], B, 'CANCELLED', '', '', why, root}
    cancelDependents(ids[k], root, why, now, out, touched)
  end
end
local gone = {}
for _, c in ipairs(out) do gone[c[1]] = true end
local ready, nReady = bkey .. ':ready', 0
for k = 1, n do
  if rem[k] == 0 and not gone[ids[k]] then
    redis.call('RPUSH', ready, ids[k])
    nReady = nReady + 1
  end
end
if stage ~= '' and redis.call('EXISTS', stage) == 1 then
  redis.call('RENAME', stage, bkey .. ':memo')
  redis.call('PERSIST', bkey .. ':memo')
end
return {'ok', nReady, out}
`);

/**
 * Claims chunk `n` of a batch, once: up to `size` ready items, each given a free executor and that
 * executor's next nonce (kept for every retry of the chunk; the item holds the executor until it is
 * resolved, so no executor ever has two items in flight). A chunk claimed before is returned as it
 * was. ARGV: prefix, batchId, chunk, size, now, executor name prefix, pool size.
 * Returns {items (id, status, executor, nonce, destination, units, chain memo, attempts, claimed at)…, ready left, new?}.
 */
export const claimScript = luaScript(`${LIB}
local B, chunk, size, now = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local ck = bk(B) .. ':c:' .. chunk
local readyKey = bk(B) .. ':ready'
local ids
local fresh = 0
if redis.call('EXISTS', ck) == 1 then
  ids = redis.call('LRANGE', ck, 0, -1)
else
  local have, want = tonumber(redis.call('GET', P .. ':x:pool') or '0'), tonumber(ARGV[7])
  if want > have then
    for i = have, want - 1 do redis.call('SADD', P .. ':x:free', ARGV[6] .. '-' .. i) end
    redis.call('SET', P .. ':x:pool', want)
  end
  local k = math.min(size, redis.call('LLEN', readyKey), redis.call('SCARD', P .. ':x:free'))
  ids = {}
  if k > 0 then
    fresh = 1
    ids = redis.call('LPOP', readyKey, k)
    local execs = redis.call('SPOP', P .. ':x:free', k)
    for i, id in ipairs(ids) do
      local nonce = redis.call('HINCRBY', P .. ':x:nonce', execs[i], 1)
      redis.call('HSET', ik(id), 'exec', execs[i], 'nonce', nonce, 'chunk', chunk, 'claimedAt', now)
    end
    redis.call('RPUSH', ck, unpack(ids))
    redis.call('HSETNX', bk(B), 'firstSubmitAt', now)
    local top = tonumber(redis.call('HGET', bk(B), 'maxChunk') or '-1')
    if tonumber(chunk) > top then redis.call('HSET', bk(B), 'maxChunk', chunk) end
  end
end
local items = {}
for _, id in ipairs(ids) do
  items[#items + 1] = redis.call('HMGET', ik(id), 'status', 'exec', 'nonce', 'dest', 'units', 'cmemo', 'att', 'claimedAt')
  table.insert(items[#items], 1, id)
end
return {items, redis.call('LLEN', readyKey), fresh}
`);

/**
 * Records the node's answers for items of chunk `n` (only items still QUEUED and claimed by that
 * chunk: a retried or duplicated record changes nothing). ARGV: prefix, batchId, chunk, now, then
 * per item: id, kind (E executed | C cancelled | F failed | T transient), tx hash or reason.
 * EXECUTED releases dependents (remaining − 1; at 0 onto their batch's ready list); CANCELLED and
 * FAILED cancel every dependent transitively, naming the root cause. Executors are freed on a final status.
 * Returns {changed items, counts of the batch, ready left, batches woken or changed elsewhere, their counts}.
 */
export const recordScript = luaScript(`${LIB}
local B, chunk, now = ARGV[2], ARGV[3], ARGV[4]
local out, touched = {}, {}
local executed = 0
for i = 5, #ARGV, 3 do
  local id, kind, text = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = ik(id)
  local h = redis.call('HMGET', key, 'status', 'chunk', 'batch', 'idx', 'exec', 'units', 'nonce')
  if h[1] == 'QUEUED' and h[2] == chunk and h[3] == B then
    redis.call('HINCRBY', key, 'att', 1)
    if kind == 'T' then
      redis.call('HSET', key, 'err', text)
    else
      redis.call('SADD', P .. ':x:free', h[5])
      if kind == 'E' then
        redis.call('HSET', key, 'status', 'EXECUTED', 'tx', text, 'at', now)
        move(id, B, h[4], 'QUEUED', 'EXECUTED', now)
        redis.call('HINCRBY', bk(B), 'executedUnits', h[6])
        executed = executed + 1
        out[#out + 1] = {id, B, 'EXECUTED', text, h[7], '', ''}
        for _, d in ipairs(redis.call('SMEMBERS', key .. ':dn')) do
          if redis.call('HINCRBY', ik(d), 'rem', -1) == 0 then
            local s = redis.call('HMGET', ik(d), 'status', 'batch')
            if s[1] == 'QUEUED' then
              redis.call('RPUSH', bk(s[2]) .. ':ready', d)
              touched[s[2]] = true
            end
          end
        end
      else
        local st = 'FAILED'
        if kind == 'C' then st = 'CANCELLED' end
        redis.call('HSET', key, 'status', st, 'reason', text, 'at', now)
        move(id, B, h[4], 'QUEUED', st, now)
        out[#out + 1] = {id, B, st, '', h[7], text, ''}
        cancelDependents(id, id, text, now, out, touched)
      end
    end
  end
end
if executed > 0 then redis.call('HSET', bk(B), 'lastExecutedAt', now, 'halted', '') end
local others = {}
for b in pairs(touched) do
  if b ~= B then
    local c = counts(b)
    others[#others + 1] = {b, c[1], c[2], c[3], c[4]}
  end
end
return {out, counts(B), redis.call('LLEN', bk(B) .. ':ready'), others}
`);

/**
 * Ends a batch once nothing is QUEUED: COMPLETED with its time; the ready list and chunk records
 * go (items, counts and memos stay). ARGV: prefix, batchId, now. Returns {1|0, queued}.
 */
export const finishScript = luaScript(`${LIB}
local B, now = ARGV[2], ARGV[3]
local key = bk(B)
local q = tonumber(redis.call('HGET', key, 'QUEUED') or '-1')
if q ~= 0 then return {0, q} end
if redis.call('HEXISTS', key, 'completedAt') == 0 then redis.call('HSET', key, 'completedAt', now, 'updatedAt', now, 'halted', '') end
redis.call('DEL', key .. ':ready')
local top = tonumber(redis.call('HGET', key, 'maxChunk') or '-1')
for c = 0, top do redis.call('DEL', key .. ':c:' .. c) end
return {1, 0}
`);

/** Raises our nonce counters to at least the node's last nonces (ARGV: prefix, then executor, nonce pairs). Returns how many rose. */
export const raiseNoncesScript = luaScript(`${LIB}
local raised = 0
for i = 2, #ARGV, 2 do
  local cur = tonumber(redis.call('HGET', P .. ':x:nonce', ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) > cur then
    redis.call('HSET', P .. ':x:nonce', ARGV[i], ARGV[i + 1])
    raised = raised + 1
  end
end
return raised
`);
