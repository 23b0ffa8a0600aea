-- Jobs were added for these ready tasks: ready -> queued.
-- ARGV: 1 taskPrefix, 2.. task ids
local now = nowMs()
local n = 0
for i = 2, #ARGV do
  local tid = ARGV[i]
  local key = taskPrefix .. tid
  local status = redis.call('HGET', key, 'status')
  if status == 'ready' then
    setStatus(tid, 'ready', 'queued')
    redis.call('HSET', key, 'queuedAt', now)
    n = n + 1
  elseif status == nil or TERMINAL[status] then
    redis.call('SREM', readyKey, tid)
  end
end
return n
