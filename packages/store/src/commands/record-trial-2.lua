--[[
  Records what an eval trial came to, once: the first writer of the trial's result also adds it
  to the durable eval totals the monitor exports (a second writer changes nothing).
  KEYS[1] the eval's results hash (run id -> JSON result)
  KEYS[2] the durable eval totals hash
  ARGV[1] the trial's run id      ARGV[2] its result, JSON
  ARGV[3] agent  ARGV[4] tier (auto: not forced)  ARGV[5] provider (chain: not limited)
  ARGV[6] status (solved | unsolved | cancelled)  ARGV[7] its spend in USD
  Returns 1 when recorded now, 0 when it was recorded already.
]]
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
local labels = ARGV[3] .. '|' .. ARGV[4] .. '|' .. ARGV[5]
redis.call('HINCRBY', KEYS[2], 'trials|' .. labels .. '|' .. ARGV[6], 1)
local cost = tonumber(ARGV[7]) or 0
if cost > 0 then redis.call('HINCRBYFLOAT', KEYS[2], 'cost|' .. labels, cost) end
return 1
