-- Histogram buckets of the durable stats. The bounds (seconds) come from types.ts, put in
-- at load time, so TypeScript and Lua cannot disagree on them.
local DURATION_BOUNDS = {{DURATION_BUCKETS_SECONDS}}
local WAIT_BOUNDS = {{WAIT_BUCKETS_SECONDS}}

-- 1-based index of the first bound >= value; #bounds + 1 is +Inf.
local function bucketOf(value, bounds)
  for i, b in ipairs(bounds) do
    if value <= b then return i end
  end
  return #bounds + 1
end
