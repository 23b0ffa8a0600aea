--[[
  The KEYS every permit script takes (provider-permits.ts builds them with Keys.permitKeys):
    KEYS[1] holders  zset lease -> expiry (epoch ms)
    KEYS[2] waiters  zset lease -> ticket (arrival order)
    KEYS[3] seen     zset lease -> liveness expiry of a waiter (epoch ms)
    KEYS[4] caps     hash declared cap -> expiry: the smallest cap declared recently holds
    KEYS[5] ticket   counter
    KEYS[6] info     hash lease -> who holds or waits (JSON, for status and top)
  Times are Redis server time (now.lua): one clock for every host.
]]
local holdersKey, waitersKey, seenKey, capsKey, ticketKey, infoKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]

-- Leases of dead holders and waiters that stopped polling go; returns what was dropped.
local function dropExpired(now)
  for _, lease in ipairs(redis.call('ZRANGEBYSCORE', holdersKey, '-inf', now)) do redis.call('HDEL', infoKey, lease) end
  redis.call('ZREMRANGEBYSCORE', holdersKey, '-inf', now)
  for _, lease in ipairs(redis.call('ZRANGEBYSCORE', seenKey, '-inf', now)) do
    redis.call('ZREM', waitersKey, lease)
    redis.call('HDEL', infoKey, lease)
  end
  redis.call('ZREMRANGEBYSCORE', seenKey, '-inf', now)
end

-- The cap in force: the smallest declared by any run within its declaration's lifetime.
local function effectiveCap(now)
  local flat = redis.call('HGETALL', capsKey)
  local cap
  for i = 1, #flat, 2 do
    local c, expiry = tonumber(flat[i]), tonumber(flat[i + 1])
    if expiry <= now then redis.call('HDEL', capsKey, flat[i])
    elseif not cap or c < cap then cap = c end
  end
  return cap or 1
end

local function declareCap(cap, now, ttl)
  local current = tonumber(redis.call('HGET', capsKey, cap) or '0')
  if current < now + ttl then redis.call('HSET', capsKey, cap, now + ttl) end
end

-- First come, first served: the oldest waiters become holders while permits are free.
-- Returns the leases granted.
local function grantWaiting(cap, now, leaseMs)
  local granted = {}
  local free = cap - redis.call('ZCARD', holdersKey)
  if free <= 0 then return granted end
  for _, lease in ipairs(redis.call('ZRANGE', waitersKey, 0, free - 1)) do
    redis.call('ZREM', waitersKey, lease)
    redis.call('ZREM', seenKey, lease)
    redis.call('ZADD', holdersKey, now + leaseMs, lease)
    table.insert(granted, lease)
  end
  return granted
end
