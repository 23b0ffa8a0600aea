--[[
  Pauses a provider fleet-wide until its reset (a 429, a usage limit): raised, never
  shortened, so two workers that saw different reset times keep the later one. A pause that
  starts (the provider was not paused) is a notice: people are told the provider paused.
  KEYS[1] the provider's pause key (expires with the pause)
  KEYS[2] the pauses hash (name -> until|reason: what status and top list)
  KEYS[3] the fleet's notices stream
  ARGV[1] provider name    ARGV[2] until (epoch ms)    ARGV[3] reason
  Returns 2 when the pause started, 1 when it was raised, 0 when it already lasted as long.
]]
--- @include "includes/now"

local now = nowMs()
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs = tonumber(ARGV[2])
if untilMs <= current or untilMs <= now then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', untilMs - now)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
if current > now then return 1 end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', 10000, '*', 'type', 'provider_paused', 'at', now, 'provider', ARGV[1], 'until', ARGV[2], 'reason', ARGV[3])
return 2
