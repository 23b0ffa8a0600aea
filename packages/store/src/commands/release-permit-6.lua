--[[
  A holder gives its permit back (or a waiter gives up): the next waiters in arrival order
  are granted what is free, and told on the grants channel.
  KEYS: see includes/permit-keys.lua
  ARGV[1] lease id    ARGV[2] lease ms (for the leases granted now)    ARGV[3] grants channel
  Returns the number of waiters granted.
]]
--- @include "includes/permit-keys"
--- @include "includes/now"

local now = nowMs()
local lease = ARGV[1]
redis.call('ZREM', holdersKey, lease)
redis.call('ZREM', waitersKey, lease)
redis.call('ZREM', seenKey, lease)
redis.call('HDEL', infoKey, lease)
dropExpired(now)
local granted = grantWaiting(effectiveCap(now), now, tonumber(ARGV[2]))
for _, g in ipairs(granted) do redis.call('PUBLISH', ARGV[3], g) end
return #granted
