--[[
  An attempt sets its task waiting, holding no slot and no job: `parked` (a usage limit, a
  long provider pause, the run's budget) or `awaiting_approval` (a gate). The reconciler
  wakes it when it is due; a command (approve, budget --raise) wakes it earlier.
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] task id
  ARGV[3] worker, ARGV[4] attempt: the fence
  ARGV[5] status: parked | awaiting_approval
  ARGV[6] the wait, JSON { kind, reason, until? }: until in epoch ms, absent = until woken
  ARGV[7] the attempt's figures, JSON { model?, input, cachedInput, output, costUsd }
  ARGV[8] the attempt's history entry (a JSON object; '' = none)
  ARGV[9] result fields to write, a flat JSON array [k, v, ...] ('[]' = none)
  Returns 1 when the task waits now, 0 when the attempt no longer owns it (nothing written).
  A task awaiting approval is an `approval_needed` notice (runId, taskId, reason, until, branch).
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/set-status"
--- @include "includes/spend"
--- @include "includes/owns-attempt"
--- @include "includes/notice"

local tid, status = ARGV[2], ARGV[5]
local key = taskPrefix .. tid
local t = redis.call('HMGET', key, 'status', 'worker', 'attempts', 'history')
if not t[1] or TERMINAL[t[1]] then return 0 end
if not ownsAttempt(t[2], t[3], ARGV[3], ARGV[4]) then return 0 end
local wait = cjson.decode(ARGV[6])
local fields = cjson.decode(ARGV[9])
for _, v in ipairs({ 'waitKind', wait.kind, 'waitReason', wait.reason or '', 'waitUntil', wait['until'] or '', 'waitingSince', nowMs() }) do table.insert(fields, v) end
local history = withHistory(t[4], ARGV[8])
if history then table.insert(fields, 'history'); table.insert(fields, history) end
setStatus(tid, t[1], status, fields)
-- +inf: nothing wakes it but a command
redis.call('ZADD', waitsKey, wait['until'] or '+inf', redis.call('HGET', runKey, 'id') .. '|' .. tid)
recordSpend(key, cjson.decode(ARGV[7]))
if status == 'awaiting_approval' then
  local branch = redis.call('HGET', key, 'branch') or ''
  notice('approval_needed', { 'runId', redis.call('HGET', runKey, 'id'), 'taskId', tid, 'reason', wait.reason or '', 'until', wait['until'] or '', 'branch', branch })
end
return 1
