--[[
  A worker starts a task: queued | ready | running -> running, one more attempt.
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] task id    ARGV[3] host    ARGV[4] worker
  Returns
    { 'ok', attempts, flat field/value list of the task hash as it now is }
    { 'terminal', status }: nothing to run (cancelled, finished by an earlier delivery,
      still blocked, or the run is over)
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/set-status"
--- @include "includes/stats"

local tid = ARGV[2]
local key = taskPrefix .. tid
local flat = redis.call('HGETALL', key)
if #flat == 0 then return redis.error_reply('unknown task ' .. tid) end
local task = {}
for i = 1, #flat, 2 do task[flat[i]] = flat[i + 1] end
local status = task.status
if TERMINAL[status] or status == 'blocked' then return { 'terminal', status } end
local runStatus = redis.call('HGET', runKey, 'status')
if TERMINAL[runStatus] then return { 'terminal', runStatus } end

local now = nowMs()
local attempts = tonumber(task.attempts or '0') + 1
local fields = { 'attempts', attempts, 'startedAt', now, 'host', ARGV[3], 'worker', ARGV[4] }
task.status, task.attempts, task.startedAt, task.host, task.worker = 'running', tostring(attempts), tostring(now), ARGV[3], ARGV[4]
if not task.firstStartedAt then
  local wait = math.max(0, now - tonumber(task.readyAt or now))
  table.insert(fields, 'firstStartedAt'); table.insert(fields, now)
  table.insert(fields, 'waitMs'); table.insert(fields, wait)
  task.firstStartedAt, task.waitMs = tostring(now), tostring(wait)
  countWait(wait / 1000)
end
setStatus(tid, status, 'running', fields)
if runStatus == 'queued' then
  redis.call('HSET', runKey, 'status', 'running', 'startedAt', now)
end
local out = {}
for k, v in pairs(task) do
  table.insert(out, k)
  table.insert(out, v)
end
return { 'ok', attempts, out }
