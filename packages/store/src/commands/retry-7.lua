--[[
  Re-opens failed and skipped tasks of a run (finished or still running).
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] JSON array of { id, pending, next } computed by the caller (run-writer.ts):
          pending = how many of its dependencies re-run too, next = which re-opened tasks it releases
  Every task must still be failed or skipped, else nothing changes (an error reply).
  Returns { 'ok', ready... }: (id, queue, attempts, backoffMs, priority) per task queued now.
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/set-status"

local items = cjson.decode(ARGV[2])
for _, it in ipairs(items) do
  local st = redis.call('HGET', taskPrefix .. it.id, 'status')
  if st ~= 'failed' and st ~= 'skipped' then
    return redis.error_reply('task ' .. it.id .. ' is ' .. tostring(st) .. ', not failed or skipped')
  end
end
local now = nowMs()
local out = { 'ok' }
for _, it in ipairs(items) do
  local key = taskPrefix .. it.id
  local f = redis.call('HMGET', key, 'status', 'queue', 'maxAttempts', 'backoffMs', 'priority')
  redis.call('HDEL', key, 'error', 'skippedBecause', 'finishedAt', 'readyAt', 'firstStartedAt', 'waitMs', 'startedAt')
  -- cjson writes an empty table as {}: an empty successor list is written as [] by hand
  local nextJson = #it.next == 0 and '[]' or cjson.encode(it.next)
  if it.pending == 0 then
    setStatus(it.id, f[1], 'queued', { 'pending', 0, 'next', nextJson, 'readyAt', now, 'queuedAt', now })
    for _, v in ipairs({ it.id, f[2] or 'tasks', f[3] or '1', f[4] or '0', f[5] or '0' }) do table.insert(out, v) end
  else
    setStatus(it.id, f[1], 'blocked', { 'pending', it.pending, 'next', nextJson })
  end
end
redis.call('HDEL', runKey, 'finishedAt', 'cancelRequested', 'failFastTriggered')
redis.call('HSET', runKey, 'status', 'running')
redis.call('SADD', activeKey, redis.call('HGET', runKey, 'id'))
return out
