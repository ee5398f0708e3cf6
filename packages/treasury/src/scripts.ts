/**
 * The treasury store's Lua scripts: every transition of an item is atomic with the counts, its
 * dependents' remaining counts and the ready list. Keys are built from the prefix
 * (ARGV[1]) exactly as keys.ts names them. Amounts are integer strings of units (HINCRBY: exact int64).
 *
 * Item state lives in per-batch hashes (keys.ts): ':it' (what intake stored, never changed), ':st'
 * (status, executor, nonce, claim, times, attempts: no entry = QUEUED and never claimed), ':tx',
 * ':why' and ':err'. A round reads and writes each of them with one command for all its items,
 * never one key or one `redis.call` per item (state-entry.ts packs the same layout for the reads).
 */
import { luaScript } from '@blockops/accounts';

/**
 * Shared helpers: key names (as keys.ts), the entry layouts, writes buffered per hash and written
 * once per script, status moves collected and written once (counts, freed executors: one command
 * per key, not per item), the transitive cancel. No set per status: a listing by status scans the
 * batch's state hash (reads.ts), so a transition writes only its item's state entry.
 */
const LIB = `
local P = ARGV[1]
local function ik(id) return P .. ':i:' .. id end
local function bk(b) return P .. ':b:' .. b end
local function counts(b) return redis.call('HMGET', bk(b), 'QUEUED', 'EXECUTED', 'CANCELLED', 'FAILED') end
-- a variadic command over a long list, in slices (unpack is bounded by Lua's C stack)
local function bulk(cmd, key, list)
  for s = 1, #list, 1000 do redis.call(cmd, key, unpack(list, s, math.min(s + 999, #list))) end
end
-- HMGET of many fields, in slices; a missing field is false
local function hmget(key, fields)
  if #fields <= 1000 then return redis.call('HMGET', key, unpack(fields)) end
  local out = {}
  for s = 1, #fields, 1000 do
    for _, v in ipairs(redis.call('HMGET', key, unpack(fields, s, math.min(s + 999, #fields)))) do out[#out + 1] = v end
  end
  return out
end
-- an item's ':it' entry, 'idx dest units level deps dn chainMemo' (item-entry.ts writes it; the
-- first six hold no space)
local function unpackItem(s)
  return string.match(s, '^(%S+) (%S+) (%S+) (%S+) (%S*) (%S*) (.*)$')
end
-- an item's ':st' entry, 'status exec nonce claim claimedAt attempts at' (state-entry.ts): none = QUEUED, never claimed
local function unpackSt(s)
  if not s then return 'QUEUED', '', '', '', '', '0', '' end
  return string.match(s, '^(%S*) (%S*) (%S*) (%S*) (%S*) (%S*) (%S*)$')
end
local function packSt(st, ex, nonce, claim, claimedAt, att, at)
  return st .. ' ' .. ex .. ' ' .. nonce .. ' ' .. claim .. ' ' .. claimedAt .. ' ' .. att .. ' ' .. at
end
-- hash writes of this script, one HSET per hash at the end (flushW); reads see them first
local W = {}
local function hsetw(key, f, v)
  local t = W[key]
  if not t then
    t = {}
    W[key] = t
  end
  t[f] = v
end
local function hgetw(key, f)
  local t = W[key]
  if t and t[f] ~= nil then return t[f] end
  return redis.call('HGET', key, f)
end
local function pending(key, f)
  local t = W[key]
  return t and t[f]
end
local function flushW()
  for key, t in pairs(W) do
    local l = {}
    for f, v in pairs(t) do
      l[#l + 1] = f
      l[#l + 1] = v
    end
    bulk('HSET', key, l)
  end
  W = {}
end
local moves = {delta = {}, free = {}}
-- v onto the list t[k]
local function append(t, k, v)
  local l = t[k]
  if not l then
    l = {}
    t[k] = l
  end
  l[#l + 1] = v
end
-- an item of batch b moves between statuses (its counts written by flush)
local function move(b, from, to)
  local d = moves.delta[b]
  if not d then
    d = {QUEUED = 0, EXECUTED = 0, CANCELLED = 0, FAILED = 0}
    moves.delta[b] = d
  end
  d[from] = d[from] - 1
  d[to] = d[to] + 1
end
local function flush(now)
  flushW()
  local queued = 0
  for b, d in pairs(moves.delta) do
    for st, n in pairs(d) do
      if n ~= 0 then redis.call('HINCRBY', bk(b), st, n) end
    end
    redis.call('HSET', bk(b), 'updatedAt', now)
    queued = queued + d.QUEUED
  end
  if queued ~= 0 then redis.call('HINCRBY', P .. ':stats', 'queued', queued) end
  if #moves.free > 0 then bulk('SADD', P .. ':x:free', moves.free) end
  moves = {delta = {}, free = {}}
end
-- the dependents of an item as {batch, id} pairs: its own batch's from its entry's dn (written at
-- intake), later batches' from the set '<id>:dn' ('<batch> <id>' members), read only when its
-- batch's ':xdn' hash says it has some
local function dependentsOf(id, b, dn, xdn)
  local list = {}
  if dn then
    for d in string.gmatch(dn, '[^,]+') do list[#list + 1] = {b, d} end
  end
  if xdn then
    for _, m in ipairs(redis.call('SMEMBERS', ik(id) .. ':dn')) do
      local mb, md = string.match(m, '^(%S+) (%S+)$')
      list[#list + 1] = {mb, md}
    end
  end
  return list
end
-- a QUEUED item of batch b cancelled because root did not execute (its state entry fields kept, as
-- unpackSt gives them). It never becomes ready: its remaining count goes below zero, so no
-- dependency that executes later can bring it to 0.
local function cancelQueued(b, id, ex, nonce, claim, claimedAt, att, root, why, now, out)
  hsetw(bk(b) .. ':st', id, packSt('CANCELLED', ex, nonce, claim, claimedAt, att, now))
  hsetw(bk(b) .. ':why', id, root .. ' ' .. why)
  hsetw(bk(b) .. ':rem', id, -1)
  move(b, 'QUEUED', 'CANCELLED')
  out[#out + 1] = {id, b, 'CANCELLED', '', '', why, root}
end
-- every QUEUED item reachable through the dependents of id (of batch b0) is CANCELLED, naming root
-- as its cause. (Ids and batch ids hold no space or comma.)
local function cancelDependents(b0, id, root, reason, now, out, touched)
  local _, _, _, _, _, dn0 = unpackItem(hgetw(bk(b0) .. ':it', id))
  local queue, head = {{id, b0, dn0, hgetw(bk(b0) .. ':xdn', id)}}, 1
  local why = 'dependency ' .. root .. ' did not execute: ' .. reason
  while head <= #queue do
    local u = queue[head]
    head = head + 1
    for _, bd in ipairs(dependentsOf(u[1], u[2], u[3], u[4])) do
      local b, d = bd[1], bd[2]
      local st, ex, nonce, claim, claimedAt, att = unpackSt(hgetw(bk(b) .. ':st', d))
      local entry = hgetw(bk(b) .. ':it', d)
      if st == 'QUEUED' and entry then
        local _, _, _, _, _, dn = unpackItem(entry)
        cancelQueued(b, d, ex, nonce, claim, claimedAt, att, root, why, now, out)
        touched[b] = true
        queue[#queue + 1] = {d, b, dn, hgetw(bk(b) .. ':xdn', d)}
      end
    end
  end
end
-- changed items for a reply, flat: 'id batch status nonce' (none holds a space), then the tx hash,
-- and for an item not EXECUTED its reason and root cause (2 or 4 strings, not a 7-field table each)
local function encodeChanged(out)
  local flat = {}
  for _, c in ipairs(out) do
    flat[#flat + 1] = c[1] .. ' ' .. c[2] .. ' ' .. c[3] .. ' ' .. (c[5] or '')
    flat[#flat + 1] = c[4] or ''
    if c[3] ~= 'EXECUTED' then
      flat[#flat + 1] = c[6] or ''
      flat[#flat + 1] = c[7] or ''
    end
  end
  return flat
end
-- a claimed item for a reply: 'id status executor nonce destination units attempts claimedAt' (none
-- holds a space), then its chain memo
local function claimed(items, id, st, ex, nonce, dest, units, cmemo, att, at)
  local n = #items
  items[n + 1] = id .. ' ' .. st .. ' ' .. ex .. ' ' .. nonce .. ' ' .. dest .. ' ' .. units .. ' ' .. att .. ' ' .. at
  items[n + 2] = cmemo
end
-- what a claim sends of an item's entry: destination, units, chain memo
local function sendable(s)
  return string.match(s, '^%S+ (%S+) (%S+) %S+ %S* %S* (.*)$')
end
-- Claims round 'chunk' of batch B once (see claimScript): a claim made before is returned as it
-- was; else (unless replayOnly) up to size ready items, each with a free executor and its next nonce.
local function claimRound(B, chunk, size, now, xprefix, poolSize, replayOnly)
  size = tonumber(redis.call('HGET', P .. ':throttle', 'chunkSize') or size)
  local ck = bk(B) .. ':c:' .. chunk
  local readyKey = bk(B) .. ':ready'
  local items = {}
  -- Once a retry or a resume replays a chunk, its earlier attempt is dead to Temporal, however late
  -- its commands still arrive: the chunk claims nothing new after that (a round claimed then would
  -- hold its items and executors with nobody left to send or record them).
  local fence = bk(B) .. ':c:' .. (string.match(chunk, '^([^.]+)%.') or chunk) .. ':replayed' -- keys.chunkReplayed
  if replayOnly then
    redis.call('SET', fence, 1)
    redis.call('SADD', bk(B) .. ':chunks', fence)
  end
  if redis.call('EXISTS', ck) == 1 then
    local ids = redis.call('LRANGE', ck, 0, -1)
    local sts, entries = hmget(bk(B) .. ':st', ids), hmget(bk(B) .. ':it', ids)
    for i, id in ipairs(ids) do
      local st, ex, nonce, _, claimedAt, att = unpackSt(sts[i])
      local dest, units, cmemo = sendable(entries[i] or '')
      claimed(items, id, st or '', ex or '', nonce or '', dest or '', units or '', cmemo or '', att or '0', (claimedAt or '') ~= '' and claimedAt or '0')
    end
    return {items, redis.call('LLEN', readyKey), 0}
  end
  if replayOnly or redis.call('EXISTS', fence) == 1 then return {items, redis.call('LLEN', readyKey), 0} end
  local have, want = tonumber(redis.call('GET', P .. ':x:pool') or '0'), tonumber(poolSize)
  if want > have then
    local add = {}
    for i = have, want - 1 do add[#add + 1] = xprefix .. '-' .. i end
    bulk('SADD', P .. ':x:free', add)
    redis.call('SET', P .. ':x:pool', want)
  end
  local k = math.min(size, redis.call('LLEN', readyKey), redis.call('SCARD', P .. ':x:free'))
  if k <= 0 then return {items, redis.call('LLEN', readyKey), 0} end
  local ids = redis.call('LPOP', readyKey, k)
  local execs = redis.call('SPOP', P .. ':x:free', k)
  -- every executor's next nonce: one read and one write of the counters (nonces are small integers)
  local nonces = redis.call('HMGET', P .. ':x:nonce', unpack(execs))
  local entries = redis.call('HMGET', bk(B) .. ':it', unpack(ids))
  local sts = redis.call('HMGET', bk(B) .. ':st', unpack(ids))
  local bump, taken, state, used = {}, {}, {}, 0
  for i, id in ipairs(ids) do
    -- only a QUEUED item never claimed (no state entry) is ever claimed: a ready list must never
    -- send anything else to the node, nor give an item a second nonce
    -- (an entry that does not read is never sent: the item stays QUEUED, off the ready list)
    local dest, units, cmemo
    if entries[i] and not sts[i] then dest, units, cmemo = sendable(entries[i]) end
    if dest then
      used = used + 1
      local ex = execs[used]
      local nonce = tonumber(nonces[used] or '0') + 1
      bump[2 * used - 1] = ex
      bump[2 * used] = nonce
      taken[used] = id
      state[2 * used - 1] = id
      state[2 * used] = packSt('QUEUED', ex, nonce, chunk, now, '0', '')
      claimed(items, id, 'QUEUED', ex, nonce, dest, units, cmemo, '0', now)
    end
  end
  -- executors not needed go back to the pool, their nonces untouched
  if used < #execs then redis.call('SADD', P .. ':x:free', unpack(execs, used + 1, #execs)) end
  if used == 0 then return {items, redis.call('LLEN', readyKey), 0} end
  redis.call('HSET', P .. ':x:nonce', unpack(bump))
  bulk('HSET', bk(B) .. ':st', state)
  redis.call('RPUSH', ck, unpack(taken))
  redis.call('HSETNX', bk(B), 'firstSubmitAt', now)
  redis.call('SADD', bk(B) .. ':chunks', ck)
  return {items, redis.call('LLEN', readyKey), 1}
end
`;

/**
 * Intake of a whole batch, all or nothing. ARGV: prefix, batchId, workflowId, now, staging memo key
 * ('' = none), total units, levels, then three per item: its id; its ':it' entry ('idx dest units
 * level deps dn chainMemo': index in the batch, destination, units, level, dependencies and
 * dependents in this batch, comma-joined, then the chain memo); and 'n outside' (how many of its
 * dependencies are in this batch, and those outside it, comma-joined). Items are stored with bulk
 * commands, no key per item. A later batch's dependents go to the earlier item's ':dn' set (and its
 * batch's ':xdn' hash says so).
 * Refuses (writing nothing) a used batch id, used item ids (all of them listed) or an unknown
 * dependency; otherwise stores items, remaining counts, the ready list, and cancels at once items
 * whose dependency from an earlier batch was cancelled or failed.
 * Returns {'ok', ready, changed (as encodeChanged)} | {'conflict_batch'} | {'conflict_ids', id…} | {'unknown', id, dependency}.
 */
export const intakeScript = luaScript(`${LIB}
local B, WF, now, stage = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local bkey = bk(B)
if redis.call('EXISTS', bkey) == 1 then return {'conflict_batch'} end
local first = 8
local n = (#ARGV - first + 1) / 3
local ids, nIn, extDeps = {}, {}, {}
for k = 1, n do
  local a = first + (k - 1) * 3
  ids[k] = ARGV[a]
  nIn[k], extDeps[k] = string.match(ARGV[a + 2], '^(%d+) (%S*)$')
end
local conflicts = {'conflict_ids'}
for s = 1, n, 1000 do
  local used = redis.call('SMISMEMBER', P .. ':ids', unpack(ids, s, math.min(s + 999, n)))
  for j, u in ipairs(used) do
    if u == 1 then conflicts[#conflicts + 1] = ids[s + j - 1] end
  end
end
if #conflicts > 1 then return conflicts end
-- an earlier batch's item: its batch, status, reason and root cause
local function earlier(d)
  local b = redis.call('HGET', P .. ':ib', d)
  if not b then return {false} end
  local st = unpackSt(redis.call('HGET', bk(b) .. ':st', d))
  local root, reason = '', ''
  if st ~= 'QUEUED' and st ~= 'EXECUTED' then
    local w = redis.call('HGET', bk(b) .. ':why', d)
    if w then root, reason = string.match(w, '^(%S*) (.*)$') end
  end
  return {st, reason, root, b}
end
local ext = {}
for k = 1, n do
  if extDeps[k] ~= '' then
    for d in string.gmatch(extDeps[k], '[^,]+') do
      if ext[d] == nil then
        if redis.call('SISMEMBER', P .. ':ids', d) == 0 then return {'unknown', ids[k], d} end
        ext[d] = earlier(d)
      end
    end
  end
end
-- nothing was written above: a refused batch leaves no trace
redis.call('HSET', bkey, 'batchId', B, 'workflowId', WF, 'createdAt', now, 'updatedAt', now, 'total', n,
  'QUEUED', n, 'EXECUTED', 0, 'CANCELLED', 0, 'FAILED', 0, 'totalUnits', ARGV[6], 'executedUnits', 0, 'levels', ARGV[7], 'halted', '')
redis.call('ZADD', P .. ':batches', now, B)
redis.call('ZADD', P .. ':running', now, B)
redis.call('HINCRBY', P .. ':stats', 'queued', n)
local rem, dead, remaining, entries, owner = {}, {}, {}, {}, {}
for k = 1, n do
  local id = ids[k]
  local r = tonumber(nIn[k])
  if extDeps[k] ~= '' then
    for d in string.gmatch(extDeps[k], '[^,]+') do
      local e = ext[d]
      if e[1] == 'QUEUED' then
        r = r + 1
        redis.call('SADD', ik(d) .. ':dn', B .. ' ' .. id)
        hsetw(bk(e[4]) .. ':xdn', d, 1)
      elseif e[1] ~= 'EXECUTED' and dead[k] == nil then
        dead[k] = d
      end
    end
  end
  rem[k] = r
  entries[#entries + 1] = id
  entries[#entries + 1] = ARGV[first + (k - 1) * 3 + 1]
  owner[#owner + 1] = id
  owner[#owner + 1] = B
  remaining[#remaining + 1] = id
  remaining[#remaining + 1] = r
end
bulk('HSET', bkey .. ':it', entries)
bulk('HSET', P .. ':ib', owner)
bulk('HSET', bkey .. ':rem', remaining)
bulk('SADD', P .. ':ids', ids)
bulk('RPUSH', bkey .. ':order', ids)
local out, touched, gone = {}, {}, {}
for k = 1, n do
  local d = dead[k]
  if d and unpackSt(hgetw(bkey .. ':st', ids[k])) == 'QUEUED' then
    local e = ext[d]
    local root = (e[3] and e[3] ~= '') and e[3] or d
    local why = 'dependency ' .. d .. ' was ' .. string.lower(e[1] or 'lost') .. ' earlier: ' .. (e[2] or '')
    cancelQueued(B, ids[k], '', '', '', '', '0', root, why, now, out)
    cancelDependents(B, ids[k], root, why, now, out, touched)
  end
end
flush(now)
for _, c in ipairs(out) do gone[c[1]] = true end
local ready = {}
for k = 1, n do
  if rem[k] == 0 and not gone[ids[k]] then ready[#ready + 1] = ids[k] end
end
bulk('RPUSH', bkey .. ':ready', ready)
local nReady = #ready
if stage ~= '' and redis.call('EXISTS', stage) == 1 then
  redis.call('RENAME', stage, bkey .. ':memo')
  redis.call('PERSIST', bkey .. ':memo')
end
return {'ok', nReady, encodeChanged(out)}
`);

/**
 * Claims a round of a chunk (`<chunk>.<round>`), once: up to `size` ready items (the throttle's
 * chunk size once an operator set it), each given a free executor and that executor's next nonce
 * (kept for every retry; the item holds the executor until it is resolved, so no executor ever has
 * two items in flight). A round claimed before is returned as it was. ARGV: prefix, batchId,
 * claim key, size, now, executor name prefix, pool size, '1' = replay only (claim nothing new).
 * Returns {items (per item: 'id status executor nonce destination units attempts claimedAt', chain memo), ready left, new?}.
 */
export const claimScript = luaScript(`${LIB}
return claimRound(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8] == '1')
`);

/**
 * Records the node's answers for items of a claimed round (only items still QUEUED and claimed by
 * it: a retried or duplicated record changes nothing), then — when asked — claims the chunk's next
 * round in the same step (as claimScript), so a round costs one script. ARGV: prefix, batchId, claim
 * key, now, next claim key ('' = none), size, executor name prefix, pool size, the sum of the E
 * answers' units, then the answers as one argument, a line each: 'id kind units text' (kind E
 * executed | C cancelled | F failed | T transient; units as claimed for E, else ''; text the tx
 * hash or the reason, on one line): one argument, not four per item, to encode and to read.
 * EXECUTED releases dependents (remaining − 1; at 0 onto their batch's ready list); CANCELLED and
 * FAILED cancel every dependent transitively, naming the root cause. Executors are freed on a final status.
 * Returns {items cancelled or failed (as encodeChanged), counts of the batch, ready left, batches woken or changed
 * elsewhere, their counts, the next claim (as claimScript) or false, the items executed here as one string 'id nonce id
 * nonce …' in answer order (their tx hashes are the answers': a string per item less to build, send and read)}.
 */
export const recordScript = luaScript(`${LIB}
local B, chunk, now = ARGV[2], ARGV[3], ARGV[4]
local stKey, itKey = bk(B) .. ':st', bk(B) .. ':it'
-- out: items cancelled or failed here (as encodeChanged); executedHere: 'id nonce' of each item
-- executed here, answer order (the caller has its tx hash: the answer it sent), one string in the reply
local out, executedHere, touched, readyBy = {}, {}, {}, {}
local executed, answeredE, unitsAsSent = 0, 0, true
local executedUnits = {}
-- dependents to release: per batch, id -> how many of its dependencies executed here (first-seen order kept)
local dec, decOrder = {}, {}
local function release(b, d)
  local t = dec[b]
  if not t then
    t = {}
    dec[b] = t
    decOrder[b] = {}
  end
  if t[d] then
    t[d] = t[d] + 1
  else
    t[d] = 1
    local l = decOrder[b]
    l[#l + 1] = d
  end
end
-- every answer is read before anything is written: an unreadable one refuses the whole record
-- (a script that fails part-way keeps what it wrote before)
local answers, ids = {}, {}
for line in string.gmatch(ARGV[10], '[^\\n]+') do
  local id, kind, sentUnits, text = string.match(line, '^(%S+) ([ECFT]) (%S*) (.*)$')
  if not id then return redis.error_reply('record: unreadable answer line: ' .. string.sub(line, 1, 120)) end
  answers[#answers + 1] = {id, kind, sentUnits, text}
  ids[#ids + 1] = id
end
local sts, entries, xdns = {}, {}, {}
if #ids > 0 then
  sts, entries = hmget(stKey, ids), hmget(itKey, ids)
  -- most batches have no dependents in later batches: then there is no ':xdn' hash to read
  if redis.call('EXISTS', bk(B) .. ':xdn') == 1 then xdns = hmget(bk(B) .. ':xdn', ids) end
end
for i, a in ipairs(answers) do
  local id, kind, sentUnits, text = a[1], a[2], a[3], a[4]
  if kind == 'E' then answeredE = answeredE + 1 end
  -- an id answered twice sees its first answer's write
  local s = pending(stKey, id) or sts[i]
  local st, ex, nonce, claim, claimedAt, att = unpackSt(s)
  if s and entries[i] and st == 'QUEUED' and claim == chunk then
    att = tonumber(att) + 1
    local units, dn = string.match(entries[i], '^%S+ %S+ (%S+) %S+ %S* (%S*)')
    if kind == 'T' then
      hsetw(stKey, id, packSt('QUEUED', ex, nonce, claim, claimedAt, att, ''))
      hsetw(bk(B) .. ':err', id, text)
    else
      moves.free[#moves.free + 1] = ex
      if kind == 'E' then
        hsetw(stKey, id, packSt('EXECUTED', ex, nonce, claim, claimedAt, att, now))
        hsetw(bk(B) .. ':tx', id, text)
        move(B, 'QUEUED', 'EXECUTED')
        executed = executed + 1
        executedUnits[#executedUnits + 1] = units
        if units ~= sentUnits then unitsAsSent = false end
        executedHere[#executedHere + 1] = id
        executedHere[#executedHere + 1] = nonce
        -- its own batch's dependents straight from its entry (no table per dependent), later batches' from its set
        for d in string.gmatch(dn, '[^,]+') do release(B, d) end
        if xdns[i] then
          for _, bd in ipairs(dependentsOf(id, B, nil, true)) do release(bd[1], bd[2]) end
        end
      else
        local final = 'FAILED'
        if kind == 'C' then final = 'CANCELLED' end
        hsetw(stKey, id, packSt(final, ex, nonce, claim, claimedAt, att, now))
        hsetw(bk(B) .. ':why', id, ' ' .. text)
        move(B, 'QUEUED', final)
        out[#out + 1] = {id, B, final, '', nonce, text, ''}
        cancelDependents(B, id, id, text, now, out, touched)
      end
    end
  end
end
-- the cancels above set remaining counts below zero: written before the releases read them
flushW()
-- units executed: the integer strings themselves (HINCRBY, exact int64), never a Lua number. When
-- every answered E executed here with the units the store holds, their sum (ARGV[9], summed exactly
-- by the caller from those same strings) is added once; otherwise each executed item's own units.
if executed > 0 then
  if executed == answeredE and unitsAsSent then
    redis.call('HINCRBY', bk(B), 'executedUnits', ARGV[9])
  else
    for _, u in ipairs(executedUnits) do redis.call('HINCRBY', bk(B), 'executedUnits', u) end
  end
end
-- dependents whose last dependency executed are ready (a cancelled dependency never executes): the
-- remaining counts of a batch live in its ':rem' hash (one read and one write per batch)
for b, list in pairs(decOrder) do
  local key, t, set = bk(b) .. ':rem', dec[b], {}
  local left = hmget(key, list)
  for j, d in ipairs(list) do
    if left[j] then
      local r = tonumber(left[j]) - t[d]
      set[#set + 1] = d
      set[#set + 1] = r
      if r == 0 then
        append(readyBy, b, d)
        touched[b] = true
      end
    end
  end
  bulk('HSET', key, set)
end
flush(now)
-- newly ready items onto their batch's ready list
for b, l in pairs(readyBy) do bulk('RPUSH', bk(b) .. ':ready', l) end
-- 'halted' is left as is: a round permitted before a HALT may record after another chunk was
-- refused; the batch stays HALTED until a resumed round is allowed (markHalted '') or it completes
-- the latest wins: rounds recorded out of order (each stamped when its worker sent it) never move it back
if executed > 0 and tonumber(redis.call('HGET', bk(B), 'lastExecutedAt') or '0') < tonumber(now) then
  redis.call('HSET', bk(B), 'lastExecutedAt', now)
end
local others = {}
for b in pairs(touched) do
  if b ~= B then
    local c = counts(b)
    others[#others + 1] = {b, c[1], c[2], c[3], c[4]}
  end
end
local nextClaim = false
if ARGV[5] ~= '' then nextClaim = claimRound(B, ARGV[5], ARGV[6], now, ARGV[7], ARGV[8], false) end
return {encodeChanged(out), counts(B), redis.call('LLEN', bk(B) .. ':ready'), others, nextClaim, table.concat(executedHere, ' ')}
`);

/**
 * Ends a batch once nothing is QUEUED: COMPLETED with its time; the ready list, remaining counts,
 * chunk records and the per-status sets of an earlier version go (item entries, state, counts and
 * memos stay). ARGV: prefix, batchId, now.
 * Returns {1|0, queued}.
 */
export const finishScript = luaScript(`${LIB}
local B, now = ARGV[2], ARGV[3]
local key = bk(B)
local q = tonumber(redis.call('HGET', key, 'QUEUED') or '-1')
if q ~= 0 then return {0, q} end
if redis.call('HEXISTS', key, 'completedAt') == 0 then redis.call('HSET', key, 'completedAt', now, 'updatedAt', now, 'halted', '') end
redis.call('ZREM', P .. ':running', B)
-- (and the per-status sets an earlier version kept, as keys.ts legacyStatusSets names them: listings scan the state hash now)
redis.call('DEL', key .. ':ready', key .. ':rem', key .. ':s:QUEUED', key .. ':s:EXECUTED', key .. ':s:CANCELLED', key .. ':s:FAILED')
for _, ck in ipairs(redis.call('SMEMBERS', key .. ':chunks')) do redis.call('DEL', ck) end
redis.call('DEL', key .. ':chunks')
return {1, 0}
`);

/** Raises our nonce counters to at least the node's last nonces (ARGV: prefix, then executor, nonce pairs). Returns how many rose. */
export const raiseNoncesScript = luaScript(`${LIB}
local raised, up = 0, {}
-- one HMGET per 1,000 executors (a pool's sync reads thousands), then HSETs of those that rose (their
-- nonces as the node's own strings)
for s = 2, #ARGV, 2000 do
  local names = {}
  for i = s, math.min(s + 1998, #ARGV - 1), 2 do names[#names + 1] = ARGV[i] end
  local cur = redis.call('HMGET', P .. ':x:nonce', unpack(names))
  for j, name in ipairs(names) do
    local node = tonumber(ARGV[s + (j - 1) * 2 + 1])
    if node > tonumber(cur[j] or '0') then
      up[#up + 1] = name
      up[#up + 1] = ARGV[s + (j - 1) * 2 + 1]
      raised = raised + 1
    end
  end
end
bulk('HSET', P .. ':x:nonce', up)
return raised
`);
