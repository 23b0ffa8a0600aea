--[[
  Re-opens failed and skipped tasks of a run (finished or still running).
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] JSON array of { id, pending, next, again? } computed by the caller (run-writer.ts):
          pending = how many of its dependencies re-run too, next = which re-opened tasks it releases,
          again = may be re-opened from succeeded or cancelled too (the merge queue)
  Every task must still be failed or skipped, else nothing changes (an error reply). Each
  re-opened task gets its retries back and a new job id (its old job may still be kept).
  Returns { 'ok', ready... }: the jobs of the tasks queued now (includes/describe-job.lua).
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/set-status"
--- @include "includes/describe-job"

local items = cjson.decode(ARGV[2])
for _, it in ipairs(items) do
  local st = redis.call('HGET', taskPrefix .. it.id, 'status')
  -- `again`: the merge queue runs after whatever re-runs, also when it had succeeded
  if st ~= 'failed' and st ~= 'skipped' and not (it.again and (st == 'succeeded' or st == 'cancelled')) then
    return redis.error_reply('task ' .. it.id .. ' is ' .. tostring(st) .. ', not failed or skipped')
  end
end
local now = nowMs()
local out = { 'ok' }
for _, it in ipairs(items) do
  local key = taskPrefix .. it.id
  local st = redis.call('HGET', key, 'status')
  redis.call('HDEL', key, 'error', 'skippedBecause', 'finishedAt', 'readyAt', 'firstStartedAt', 'waitMs', 'startedAt', 'retriesUsed')
  -- a re-run decides again: whether it was handled, why it was skipped, its gate's decision
  if redis.call('HDEL', key, 'handled') == 1 then redis.call('HINCRBY', runKey, 'handled', -1) end
  redis.call('HDEL', key, 'skipReason', 'approval')
  redis.call('HINCRBY', key, 'jobSeq', 1)
  -- cjson writes an empty table as {}: an empty successor list is written as [] by hand
  local nextJson = #it.next == 0 and '[]' or cjson.encode(it.next)
  if it.pending == 0 then
    setStatus(it.id, st, 'queued', { 'pending', 0, 'next', nextJson, 'readyAt', now, 'queuedAt', now })
    describeTaskJob(out, it.id)
  else
    setStatus(it.id, st, 'blocked', { 'pending', it.pending, 'next', nextJson })
  end
end
redis.call('HDEL', runKey, 'finishedAt', 'cancelRequested', 'failFastTriggered')
-- a skipped task's root may succeed now: the run's end reads its tasks (includes/unhandled.lua)
redis.call('HSET', runKey, 'status', 'running', 'retried', '1')
redis.call('SADD', activeKey, redis.call('HGET', runKey, 'id'))
return out
