--- @include "run-keys"
--- @include "histogram-bucket"

-- Durable, monotonic fleet totals: one hash of `kind|label|...` fields (parsed by stats.ts).
local function countOutcome(status, agent)
  redis.call('HINCRBY', statsKey, 'tasks|' .. status .. '|' .. (agent or 'unknown'), 1)
end

-- Histograms keep buckets and sum; their count is the sum of the buckets (stats.ts).
local function countDuration(agent, seconds)
  agent = agent or 'unknown'
  redis.call('HINCRBY', statsKey, 'duration|' .. agent .. '|' .. bucketOf(seconds, DURATION_BOUNDS), 1)
  redis.call('HINCRBYFLOAT', statsKey, 'duration_sum|' .. agent, seconds)
end

local function countWait(seconds)
  redis.call('HINCRBY', statsKey, 'wait|' .. bucketOf(seconds, WAIT_BOUNDS), 1)
  redis.call('HINCRBYFLOAT', statsKey, 'wait_sum', seconds)
end
