-- Shared by every run script (prepended at load time, like BullMQ's includes).
-- KEYS layout common to run scripts:
--   1 run hash, 2 counts hash, 3 inflight set, 4 stats hash, 5 active-runs set, 6 failures list,
--   7 the run's task list (topological order)
-- ARGV[1] is always the task key prefix of the run.
local runKey, countsKey, inflightKey, statsKey, activeKey, failuresKey, tasksKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local taskPrefix = ARGV[1]

local TERMINAL = { succeeded = true, failed = true, skipped = true, cancelled = true }
local INFLIGHT = { queued = true, running = true }

local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function decodeList(s)
  if not s or s == '' then return {} end
  return cjson.decode(s)
end

local function finishRunIfDone(now)
  local remaining = tonumber(redis.call('HGET', runKey, 'remaining') or '0')
  if remaining > 0 then return false end
  local status = redis.call('HGET', runKey, 'status')
  if TERMINAL[status] then return status end
  local final = 'succeeded'
  if redis.call('HGET', runKey, 'cancelRequested') == '1' then
    final = 'cancelled'
  else
    local c = redis.call('HMGET', countsKey, 'failed', 'skipped', 'cancelled')
    if tonumber(c[1] or '0') > 0 or tonumber(c[2] or '0') > 0 or tonumber(c[3] or '0') > 0 then final = 'failed' end
    if redis.call('HGET', runKey, 'failFastTriggered') == '1' then final = 'failed' end
  end
  redis.call('HSET', runKey, 'status', final, 'finishedAt', now)
  redis.call('SREM', activeKey, redis.call('HGET', runKey, 'id'))
  redis.call('HINCRBY', statsKey, 'runs|' .. final, 1)
  return final
end

-- Moves a task between statuses, keeping counts, work sets and the remaining counter right.
local function setStatus(tid, from, to)
  local key = taskPrefix .. tid
  redis.call('HSET', key, 'status', to)
  if redis.call('HGET', key, 'barrier') == '1' then return end
  if from then redis.call('HINCRBY', countsKey, from, -1) end
  redis.call('HINCRBY', countsKey, to, 1)
  if INFLIGHT[from] and not INFLIGHT[to] then redis.call('SREM', inflightKey, tid) end
  if INFLIGHT[to] then redis.call('SADD', inflightKey, tid) end
  if TERMINAL[to] and not TERMINAL[from] then redis.call('HINCRBY', runKey, 'remaining', -1) end
  if TERMINAL[from] and not TERMINAL[to] then redis.call('HINCRBY', runKey, 'remaining', 1) end
end

-- A task reached a terminal status: release its scheduling successors.
-- Barriers (levels schedule) open when every task of their level is terminal, whatever
-- the outcome; real successors only when this task succeeded. A task that becomes ready is
-- recorded queued at once (readyAt = queuedAt): the caller adds its job right after, and if
-- it dies first the reconciler finds a queued task without a job. Returns those tasks.
local function release(tid, outcome, now, ready)
  local stack = { { tid, outcome } }
  while #stack > 0 do
    local item = table.remove(stack)
    local nextList = decodeList(redis.call('HGET', taskPrefix .. item[1], 'next'))
    for _, succ in ipairs(nextList) do
      local skey = taskPrefix .. succ
      local isBarrier = redis.call('HGET', skey, 'barrier') == '1'
      if isBarrier or item[2] == 'succeeded' then
        local pending = redis.call('HINCRBY', skey, 'pending', -1)
        if pending <= 0 and redis.call('HGET', skey, 'status') == 'blocked' then
          if isBarrier then
            redis.call('HSET', skey, 'status', 'succeeded', 'finishedAt', now)
            table.insert(stack, { succ, 'succeeded' })
          else
            setStatus(succ, 'blocked', 'queued')
            redis.call('HSET', skey, 'readyAt', now, 'queuedAt', now)
            table.insert(ready, succ)
          end
        end
      end
    end
  end
end

-- Job options of ready tasks, flattened for the caller: id, queue, attempts, backoffMs, priority.
local function describeReady(ready)
  local out = {}
  for _, tid in ipairs(ready) do
    local f = redis.call('HMGET', taskPrefix .. tid, 'queue', 'maxAttempts', 'backoffMs', 'priority')
    table.insert(out, tid)
    table.insert(out, f[1] or 'tasks')
    table.insert(out, f[2] or '1')
    table.insert(out, f[3] or '0')
    table.insert(out, f[4] or '0')
  end
  return out
end
