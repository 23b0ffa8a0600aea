--- @include "run-keys"
--- @include "budget"

-- What one attempt spent, whatever its end: added to the task's totals, the run's cost and
-- the durable per-model totals. `s` is { model, input, cachedInput, output, costUsd }.
local function recordSpend(key, s)
  local input, cached, output, cost = tonumber(s.input or 0), tonumber(s.cachedInput or 0), tonumber(s.output or 0), tonumber(s.costUsd or 0)
  if input > 0 then redis.call('HINCRBY', key, 'usageInput', input) end
  if cached > 0 then redis.call('HINCRBY', key, 'usageCachedInput', cached) end
  if output > 0 then redis.call('HINCRBY', key, 'usageOutput', output) end
  if cost > 0 then
    redis.call('HINCRBYFLOAT', key, 'spentUsd', cost)
    pauseAtBudget(tonumber(redis.call('HINCRBYFLOAT', runKey, 'costUsd', cost)))
  end
  local model = s.model
  if model and model ~= '' then
    if input > 0 then redis.call('HINCRBY', statsKey, 'tokens|' .. model .. '|input', input) end
    if cached > 0 then redis.call('HINCRBY', statsKey, 'tokens|' .. model .. '|cachedInput', cached) end
    if output > 0 then redis.call('HINCRBY', statsKey, 'tokens|' .. model .. '|output', output) end
    if cost > 0 then redis.call('HINCRBYFLOAT', statsKey, 'cost|' .. model, cost) end
  end
end

-- The task's history with one attempt's record (a JSON object built by the caller) appended:
-- a JSON list kept as text, so appending costs no decode. The caller writes it (nil: no entry).
local function withHistory(history, entry)
  if not entry or entry == '' then return nil end
  if not history or history == '' then return '[' .. entry .. ']' end
  return string.sub(history, 1, -2) .. ',' .. entry .. ']'
end

local function appendHistory(key, entry)
  local h = withHistory(redis.call('HGET', key, 'history'), entry)
  if h then redis.call('HSET', key, 'history', h) end
end
