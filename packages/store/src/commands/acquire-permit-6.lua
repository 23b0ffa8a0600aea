--[[
  A permit for one request to a provider endpoint, fair across the fleet: granted at once
  when one is free and nobody waits ahead, else the caller waits in arrival order (it polls
  with this script, which keeps it alive, and hears grants on the pub/sub channel).
  KEYS: see includes/permit-keys.lua
  ARGV[1] lease id    ARGV[2] the cap this run declares    ARGV[3] lease ms
  ARGV[4] mode: wait (queue up) | try (a permit now, or nothing)
  ARGV[5] waiter liveness ms    ARGV[6] cap declaration ms
  ARGV[7] who asks (JSON, kept in info)    ARGV[8] grants channel
  Returns { 'granted' } | { 'waiting', position (1 = next), holders, cap } | { 'busy', holders, cap }
]]
--- @include "includes/permit-keys"
--- @include "includes/now"

local now = nowMs()
local lease, leaseMs, mode = ARGV[1], tonumber(ARGV[3]), ARGV[4]
dropExpired(now)
declareCap(ARGV[2], now, tonumber(ARGV[6]))
local cap = effectiveCap(now)
if redis.call('ZSCORE', holdersKey, lease) then
  redis.call('ZADD', holdersKey, now + leaseMs, lease)
  return { 'granted' }
end
local waiting = redis.call('ZSCORE', waitersKey, lease)
if mode == 'try' and not waiting then
  if redis.call('ZCARD', waitersKey) > 0 or redis.call('ZCARD', holdersKey) >= cap then
    return { 'busy', redis.call('ZCARD', holdersKey), cap }
  end
  redis.call('ZADD', holdersKey, now + leaseMs, lease)
  redis.call('HSET', infoKey, lease, ARGV[7])
  return { 'granted' }
end
if not waiting then
  redis.call('ZADD', waitersKey, redis.call('INCR', ticketKey), lease)
  redis.call('HSET', infoKey, lease, ARGV[7])
end
redis.call('ZADD', seenKey, now + tonumber(ARGV[5]), lease)
local granted = grantWaiting(cap, now, leaseMs)
local mine = false
for _, g in ipairs(granted) do
  if g == lease then mine = true else redis.call('PUBLISH', ARGV[8], g) end
end
if mine then return { 'granted' } end
return { 'waiting', redis.call('ZRANK', waitersKey, lease) + 1, redis.call('ZCARD', holdersKey), cap }
