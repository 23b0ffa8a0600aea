--[[
  Settles an eval whose trials have all been recorded: its status becomes final, it leaves the
  active evals, its runs are no longer pinned against retention, its hidden files go.
  KEYS[1] the eval hash   KEYS[2] the active evals set   KEYS[3] the pinned runs hash
  KEYS[4] the eval's hidden files
  ARGV[1] eval id   ARGV[2] final status (finished | stopped)   ARGV[3..] its runs' ids
  Returns 1 when settled now, 0 when it was settled already.
]]
--- @include "includes/now"

if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'finishedAt', nowMs())
redis.call('SREM', KEYS[2], ARGV[1])
for i = 3, #ARGV do redis.call('HDEL', KEYS[3], ARGV[i]) end
redis.call('DEL', KEYS[4])
return 1
