--- @include "run-keys"

-- Whether a run with `after: any` or `when:` (its `flow` flag) ended with a failure nobody
-- handled. A failed task is handled when a dependent listing it with `after: any` ran
-- (includes/mark-handled.lua). A skipped task counts as its root's failure (skippedBecause),
-- unless its condition was false (skipReason 'condition') or that failure was handled.
-- Without `fleet retry` a skipped task's root is still failed, so the counts say it all:
-- failed tasks against handled ones. After a retry (a root may have succeeded since), every
-- task is read once.
local function anyUnhandled(failed)
  local run = redis.call('HMGET', runKey, 'handled', 'retried')
  if failed > tonumber(run[1] or '0') then return true end
  if run[2] ~= '1' then return false end
  local ids = redis.call('LRANGE', tasksKey, 0, -1)
  local status, handled, skipped = {}, {}, {}
  for _, tid in ipairs(ids) do
    local f = redis.call('HMGET', taskPrefix .. tid, 'status', 'handled', 'skipReason', 'skippedBecause')
    status[tid], handled[tid] = f[1], f[2] == '1'
    if f[1] == 'failed' and not handled[tid] then return true end
    if f[1] == 'skipped' and f[3] ~= 'condition' then table.insert(skipped, f[4] or '') end
  end
  for _, root in ipairs(skipped) do
    if status[root] ~= 'failed' or not handled[root] then return true end
  end
  return false
end
