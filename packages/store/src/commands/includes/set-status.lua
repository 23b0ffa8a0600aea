--- @include "run-keys"

-- Moves a real task (never a barrier) between statuses, keeping the counts, the inflight
-- set and the run's remaining counter right. `extra` are more field/value pairs written in
-- the same HSET. Returns the run's remaining count when it changed, else nil.
-- The counts hash keeps no `queued` field: queued = inflight members - running (run-reader.ts),
-- which spares two writes per task on the hot path.
local function setStatus(tid, from, to, extra)
  local key = taskPrefix .. tid
  if extra and #extra > 0 then
    redis.call('HSET', key, 'status', to, unpack(extra))
  else
    redis.call('HSET', key, 'status', to)
  end
  if from == to then return nil end
  if from and from ~= 'queued' then redis.call('HINCRBY', countsKey, from, -1) end
  if to ~= 'queued' then redis.call('HINCRBY', countsKey, to, 1) end
  if INFLIGHT[from] and not INFLIGHT[to] then redis.call('SREM', inflightKey, tid) end
  if INFLIGHT[to] and not INFLIGHT[from] then redis.call('SADD', inflightKey, tid) end
  -- entering a wait is the caller's (it knows when the task is due); leaving one is here
  if WAITING[from] and not WAITING[to] then redis.call('ZREM', waitsKey, redis.call('HGET', runKey, 'id') .. '|' .. tid) end
  if TERMINAL[to] and not TERMINAL[from] then return redis.call('HINCRBY', runKey, 'remaining', -1) end
  if TERMINAL[from] and not TERMINAL[to] then return redis.call('HINCRBY', runKey, 'remaining', 1) end
  return nil
end
