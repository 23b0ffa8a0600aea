-- A worker starts a task: queued|ready|running -> running, one more attempt.
-- ARGV: 1 taskPrefix, 2 taskId, 3 host, 4 worker, 5 wait bucket bounds (JSON, seconds)
-- Returns { 'ok', attempts, task hash as flat field/value list } or { 'terminal', status } when there is nothing to do
-- (cancelled, already finished by an earlier delivery, or the run is over).
local tid = ARGV[2]
local key = taskPrefix .. tid
local status = redis.call('HGET', key, 'status')
if not status then return redis.error_reply('unknown task ' .. tid) end
if TERMINAL[status] or status == 'blocked' then return { 'terminal', status } end
local runStatus = redis.call('HGET', runKey, 'status')
if TERMINAL[runStatus] then return { 'terminal', runStatus } end

local now = nowMs()
setStatus(tid, status, 'running')
local attempts = redis.call('HINCRBY', key, 'attempts', 1)
redis.call('HSET', key, 'startedAt', now, 'host', ARGV[3], 'worker', ARGV[4])
if not redis.call('HGET', key, 'firstStartedAt') then
  redis.call('HSET', key, 'firstStartedAt', now)
  local readyAt = tonumber(redis.call('HGET', key, 'readyAt') or now)
  local wait = math.max(0, now - readyAt)
  redis.call('HSET', key, 'waitMs', wait)
  local bounds = cjson.decode(ARGV[5])
  local bucket = #bounds + 1
  for i, b in ipairs(bounds) do
    if wait / 1000 <= b then bucket = i; break end
  end
  redis.call('HINCRBY', statsKey, 'wait|' .. bucket, 1)
  redis.call('HINCRBYFLOAT', statsKey, 'wait_sum', wait / 1000)
  redis.call('HINCRBY', statsKey, 'wait_count', 1)
end
if runStatus == 'queued' then
  redis.call('HSET', runKey, 'status', 'running', 'startedAt', now)
end
return { 'ok', attempts, redis.call('HGETALL', key) }
