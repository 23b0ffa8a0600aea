-- Re-opens failed/skipped tasks of a finished (or running) run.
-- ARGV: 1 taskPrefix, 2 JSON array of { id, pending, next } computed by the caller.
-- Every task must still be failed or skipped, else nothing changes.
local items = cjson.decode(ARGV[2])
for _, it in ipairs(items) do
  local st = redis.call('HGET', taskPrefix .. it.id, 'status')
  if st ~= 'failed' and st ~= 'skipped' then
    return redis.error_reply('task ' .. it.id .. ' is ' .. tostring(st) .. ', not failed or skipped')
  end
end
local now = nowMs()
local ready = {}
for _, it in ipairs(items) do
  local key = taskPrefix .. it.id
  local st = redis.call('HGET', key, 'status')
  redis.call('HDEL', key, 'error', 'skippedBecause', 'finishedAt', 'readyAt', 'firstStartedAt', 'waitMs', 'startedAt')
  redis.call('HSET', key, 'pending', it.pending, 'next', cjson.encode(it.next))
  if #it.next == 0 then redis.call('HSET', key, 'next', '[]') end
  if it.pending == 0 then
    setStatus(it.id, st, 'queued')
    redis.call('HSET', key, 'readyAt', now, 'queuedAt', now)
    table.insert(ready, it.id)
  else
    setStatus(it.id, st, 'blocked')
  end
end
redis.call('HDEL', runKey, 'finishedAt', 'cancelRequested', 'failFastTriggered')
redis.call('HSET', runKey, 'status', 'running')
redis.call('SADD', activeKey, redis.call('HGET', runKey, 'id'))
local out = { 'ok' }
for _, v in ipairs(describeReady(ready)) do table.insert(out, v) end
return out
