--[[
  Records an attempt that ended without deciding its task (it was cancelled, or it lost the
  task to another attempt): what it spent still counts, and its history entry is kept.
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] task id
  ARGV[3] the attempt's figures, JSON { model?, input, cachedInput, output, costUsd }
  ARGV[4] the attempt's history entry (a JSON object; '' = none)
  Returns 1, or 0 when the task does not exist.
]]
--- @include "includes/run-keys"
--- @include "includes/spend"

local key = taskPrefix .. ARGV[2]
if redis.call('EXISTS', key) == 0 then return 0 end
recordSpend(key, cjson.decode(ARGV[3]))
appendHistory(key, ARGV[4])
return 1
