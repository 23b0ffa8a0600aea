--[[
  `fleet budget RUN --raise USD`: the run's budget grows by USD; when its spend is now under
  the budget, a paused run resumes and every task parked for the budget is queued again.
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] the amount to add (USD)
  Returns { 'nobudget' } when the run has none, else
    { 'ok', budget, spent, run status, jobs... } (the woken tasks' jobs: includes/describe-job.lua)
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/wake-parked"

local r = redis.call('HMGET', runKey, 'budgetUsd', 'costUsd', 'status', 'id', 'startedAt')
if not r[1] or r[1] == '' then return { 'nobudget' } end
local budget = tonumber(redis.call('HINCRBYFLOAT', runKey, 'budgetUsd', ARGV[2]))
local spent = tonumber(r[2] or '0')
local status = r[3]
local out = { 'ok', tostring(budget), tostring(spent), status }
if spent >= budget or TERMINAL[status] then return out end
if status == 'paused' then
  status = (r[5] and r[5] ~= '') and 'running' or 'queued'
  redis.call('HSET', runKey, 'status', status)
  redis.call('HDEL', runKey, 'pausedAt')
  out[4] = status
end
local now = nowMs()
local prefix = r[4] .. '|'
for _, member in ipairs(redis.call('ZRANGEBYSCORE', waitsKey, '+inf', '+inf')) do
  if string.sub(member, 1, #prefix) == prefix then
    local tid = string.sub(member, #prefix + 1)
    local t = redis.call('HMGET', taskPrefix .. tid, 'status', 'waitKind')
    if t[1] == 'parked' and t[2] == 'budget' then wakeParked(tid, now, out) end
  end
end
return out
