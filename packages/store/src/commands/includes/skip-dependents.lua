--- @include "run-keys"
--- @include "decode-list"
--- @include "set-status"
--- @include "stats"
--- @include "release"

-- A task failed for good: its transitive dependents become skipped, naming it; what they
-- release (barriers) is released. Independent branches go on.
local function skipDependents(tid, dependents, now, ready)
  local stack = dependents
  local seen = {}
  while #stack > 0 do
    local d = table.remove(stack)
    if not seen[d] then
      seen[d] = true
      local dkey = taskPrefix .. d
      local f = redis.call('HMGET', dkey, 'status', 'agent', 'dependents', 'next')
      local st = f[1]
      if st and not TERMINAL[st] then
        setStatus(d, st, 'skipped', { 'finishedAt', now, 'skippedBecause', tid,
          'error', cjson.encode({ kind = 'skipped', message = 'dependency ' .. tid .. ' failed' }) })
        countOutcome('skipped', f[2])
        release(d, 'skipped', now, ready, decodeList(f[4]))
        for _, dd in ipairs(decodeList(f[3])) do table.insert(stack, dd) end
      end
    end
  end
end
