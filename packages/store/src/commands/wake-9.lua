--[[
  A parked task goes on: parked -> queued, with a new job (its old one finished), its wait
  fields cleared. (Awaiting approval ends by a decision instead: decide-9.lua.)
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] task id
  ARGV[3] only when its wait has this kind ('' = any kind)
  Returns { 'ok', job } (includes/describe-job.lua) when woken, { 'no', status } when the task
  was not parked (woken already, cancelled, or waiting for something else).
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/wake-parked"

local tid = ARGV[2]
local key = taskPrefix .. tid
local t = redis.call('HMGET', key, 'status', 'waitKind')
if t[1] ~= 'parked' or (ARGV[3] ~= '' and t[2] ~= ARGV[3]) then return { 'no', t[1] or '' } end
local out = { 'ok' }
wakeParked(tid, nowMs(), out)
return out
