--- @include "run-keys"

-- Task `tid` ran (it succeeded or failed, it was not skipped): it handles the failures of the
-- dependencies it lists with `after: any` (its anyDeps), which then do not fail the run. The
-- run counts its handled failures (`handled`), so its end need not read every task.
local function markHandled(tid)
  local deps = redis.call('HGET', taskPrefix .. tid, 'anyDeps')
  if not deps or deps == '' then return end
  for _, d in ipairs(cjson.decode(deps)) do
    local dkey = taskPrefix .. d
    if redis.call('HGET', dkey, 'status') == 'failed' and redis.call('HSETNX', dkey, 'handled', '1') == 1 then
      redis.call('HINCRBY', runKey, 'handled', 1)
    end
  end
end
