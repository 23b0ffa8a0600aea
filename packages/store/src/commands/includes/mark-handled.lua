--- @include "run-keys"

-- Task `tid` ran (it succeeded or failed, it was not skipped): it handles the failures of the
-- dependencies it lists with `after: any` (its anyDeps), which then do not fail the run.
local function markHandled(tid)
  local deps = redis.call('HGET', taskPrefix .. tid, 'anyDeps')
  if not deps or deps == '' then return end
  for _, d in ipairs(cjson.decode(deps)) do
    if redis.call('HGET', taskPrefix .. d, 'status') == 'failed' then redis.call('HSET', taskPrefix .. d, 'handled', '1') end
  end
end
