-- Cancels a run: every task not yet terminal becomes cancelled.
-- ARGV: 1 taskPrefix, 2 reason
-- Returns the tasks that had jobs: { id, queue, statusBefore, ... } (callers remove waiting
-- jobs and tell workers to kill running agents).
local status = redis.call('HGET', runKey, 'status')
if not status then return redis.error_reply('unknown run') end
if TERMINAL[status] then return { 'terminal', status } end
local now = nowMs()
redis.call('HSET', runKey, 'cancelRequested', '1')
local out = { 'ok', '' }
for _, tid in ipairs(redis.call('LRANGE', tasksKey, 0, -1)) do
  local key = taskPrefix .. tid
  local st = redis.call('HGET', key, 'status')
  if not TERMINAL[st] then
    setStatus(tid, st, 'cancelled')
    redis.call('HSET', key, 'finishedAt', now, 'error', cjson.encode({ kind = 'cancelled', message = ARGV[2] }))
    redis.call('HINCRBY', statsKey, 'tasks|cancelled|' .. (redis.call('HGET', key, 'agent') or 'unknown'), 1)
    if INFLIGHT[st] then
      table.insert(out, tid)
      table.insert(out, redis.call('HGET', key, 'queue') or 'tasks')
      table.insert(out, st)
    end
  end
end
out[2] = finishRunIfDone(now) or ''
return out
