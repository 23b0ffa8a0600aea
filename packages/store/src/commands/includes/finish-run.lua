--- @include "run-keys"
--- @include "notice"
--- @include "unhandled"

-- Ends the run when no task remains: cancelled if a cancel was asked, failed if any task
-- failed, was skipped or cancelled (or fail-fast fired), else succeeded. A run with `after:
-- any` or `when:` (flow) fails only for failures nobody handled (includes/unhandled.lua).
-- `remaining` may be given when the caller knows it. Returns the final status, or false
-- while tasks remain.
local function finishRunIfDone(now, remaining)
  remaining = remaining or tonumber(redis.call('HGET', runKey, 'remaining') or '0')
  if remaining > 0 then return false end
  local run = redis.call('HMGET', runKey, 'status', 'cancelRequested', 'failFastTriggered', 'id', 'flow')
  if TERMINAL[run[1]] then return run[1] end
  local final = 'succeeded'
  if run[2] == '1' then
    final = 'cancelled'
  else
    local c = redis.call('HMGET', countsKey, 'failed', 'skipped', 'cancelled')
    local cancelled = tonumber(c[3] or '0') > 0 or run[3] == '1'
    if cancelled or tonumber(c[1] or '0') > 0 or tonumber(c[2] or '0') > 0 then final = 'failed' end
    if final == 'failed' and not cancelled and run[5] == '1' and not anyUnhandled(tonumber(c[1] or '0')) then final = 'succeeded' end
  end
  redis.call('HSET', runKey, 'status', final, 'finishedAt', now)
  redis.call('SREM', activeKey, run[4])
  redis.call('HINCRBY', statsKey, 'runs|' .. final, 1)
  notice('run_finished', { 'runId', run[4], 'status', final })
  return final
end
