--- @include "run-keys"
--- @include "decode-list"
--- @include "set-status"
--- @include "stats"
--- @include "release"

-- The dependents of `tid` that do not list it with `after: any` (those go on whatever its outcome).
local function plainDependents(tid, dependents, anyDependents)
  local any = decodeSet(anyDependents)
  local out = {}
  for _, d in ipairs(dependents) do if not any[d] then table.insert(out, d) end end
  return out
end

-- A task failed for good (reason 'failure', the default) or its condition was false (reason
-- 'condition'): its transitive dependents become skipped, naming it, except those that list
-- a skipped task with `after: any`; what they release (barriers, `after: any` dependents) is
-- released. Independent branches go on. finish-run.lua reads skipReason.
local function skipDependents(tid, dependents, now, ready, reason)
  reason = reason or 'failure'
  local message = 'dependency ' .. tid .. (reason == 'condition' and ' was skipped (condition false)' or ' failed')
  local stack = plainDependents(tid, dependents, redis.call('HGET', taskPrefix .. tid, 'anyDependents'))
  local seen = {}
  while #stack > 0 do
    local d = table.remove(stack)
    if not seen[d] then
      seen[d] = true
      local dkey = taskPrefix .. d
      local f = redis.call('HMGET', dkey, 'status', 'agent', 'dependents', 'next', 'anyDependents')
      local st = f[1]
      if st and not TERMINAL[st] then
        setStatus(d, st, 'skipped', { 'finishedAt', now, 'skippedBecause', tid, 'skipReason', reason,
          'error', cjson.encode({ kind = 'skipped', message = message }) })
        countOutcome('skipped', f[2])
        release(d, 'skipped', now, ready, decodeList(f[4]))
        for _, dd in ipairs(plainDependents(d, decodeList(f[3]), f[5])) do table.insert(stack, dd) end
      end
    end
  end
end
