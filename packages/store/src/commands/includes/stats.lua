--- @include "run-keys"
--- @include "histogram-bucket"

-- Durable, monotonic fleet totals: one hash of `kind|label|...` fields (parsed by stats.ts).
local function countOutcome(status, agent)
  redis.call('HINCRBY', statsKey, 'tasks|' .. status .. '|' .. (agent or 'unknown'), 1)
end

local function countDuration(agent, seconds)
  agent = agent or 'unknown'
  redis.call('HINCRBY', statsKey, 'duration|' .. agent .. '|' .. bucketOf(seconds, DURATION_BOUNDS), 1)
  redis.call('HINCRBYFLOAT', statsKey, 'duration_sum|' .. agent, seconds)
  redis.call('HINCRBY', statsKey, 'duration_count|' .. agent, 1)
end

local function countWait(seconds)
  redis.call('HINCRBY', statsKey, 'wait|' .. bucketOf(seconds, WAIT_BOUNDS), 1)
  redis.call('HINCRBYFLOAT', statsKey, 'wait_sum', seconds)
  redis.call('HINCRBY', statsKey, 'wait_count', 1)
end
