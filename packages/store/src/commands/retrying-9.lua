--[[
  An attempt failed and BullMQ will try again: running -> queued, the error kept, what the
  attempt spent recorded.
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] task id    ARGV[3] error kind    ARGV[4] error message
  ARGV[5] worker     ARGV[6] attempt (the fence)
  ARGV[7] the attempt's figures, JSON { model?, input, cachedInput, output, costUsd }
  ARGV[8] the attempt's history entry (a JSON object; '' = none)
  Returns 1 when recorded, 0 when the task is terminal or the attempt lost it.
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/set-status"
--- @include "includes/spend"
--- @include "includes/owns-attempt"

local tid = ARGV[2]
local key = taskPrefix .. tid
local t = redis.call('HMGET', key, 'status', 'worker', 'attempts', 'agent', 'history')
if not t[1] or TERMINAL[t[1]] then return 0 end
if not ownsAttempt(t[2], t[3], ARGV[5], ARGV[6]) then return 0 end
local fields = { 'error', cjson.encode({ kind = ARGV[3], message = ARGV[4] }), 'queuedAt', nowMs() }
local history = withHistory(t[5], ARGV[8])
if history then table.insert(fields, 'history'); table.insert(fields, history) end
setStatus(tid, t[1], 'queued', fields)
-- the job's own attempts count these too; a task queued again later (woken) gets what is left
redis.call('HINCRBY', key, 'retriesUsed', 1)
redis.call('HINCRBY', statsKey, 'retries|' .. (t[4] or 'unknown'), 1)
recordSpend(key, cjson.decode(ARGV[7]))
return 1
