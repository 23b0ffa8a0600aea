--[[
  A holder that is still at work keeps its permit (a dead one's lease runs out), and keeps
  its run's cap declared.
  KEYS: see includes/permit-keys.lua
  ARGV[1] lease id    ARGV[2] declared cap    ARGV[3] lease ms    ARGV[4] cap declaration ms
  Returns 1 while the lease is held, 0 when it was lost (expired and dropped).
]]
--- @include "includes/permit-keys"
--- @include "includes/now"

local now = nowMs()
local lease = ARGV[1]
declareCap(ARGV[2], now, tonumber(ARGV[4]))
if not redis.call('ZSCORE', holdersKey, lease) then return 0 end
redis.call('ZADD', holdersKey, now + tonumber(ARGV[3]), lease)
return 1
