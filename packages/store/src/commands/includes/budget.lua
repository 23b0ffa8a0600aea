--- @include "run-keys"
--- @include "now"
--- @include "notice"

-- A run whose spend reached its budget (budgetUsd, from budgets.perRunUsd at submit, raised
-- by `fleet budget --raise`) pauses: no new model-backed task starts (the worker parks them),
-- running ones finish. Told once, as a budget_reached notice, in the script that spent it.
local function pauseAtBudget(cost)
  local r = redis.call('HMGET', runKey, 'budgetUsd', 'status', 'id')
  local budget = tonumber(r[1] or '')
  if not budget or cost < budget or (r[2] ~= 'running' and r[2] ~= 'queued') then return end
  redis.call('HSET', runKey, 'status', 'paused', 'pausedAt', nowMs())
  notice('budget_reached', { 'runId', r[3], 'costUsd', tostring(cost), 'budgetUsd', r[1] })
end
