--- @include "run-keys"
--- @include "set-status"
--- @include "stats"

-- Every task of the run not yet terminal becomes cancelled with `message` (a user's cancel,
-- or fail-fast), counted in the per-agent totals. Appends (id, queue, status before, job seq)
-- of the tasks that had jobs to `inflight`, so the caller removes waiting jobs and stops agents.
-- Waiting tasks (no job) leave the waits set.
local function cancelRemaining(now, message, inflight)
  for _, tid in ipairs(redis.call('LRANGE', tasksKey, 0, -1)) do
    local key = taskPrefix .. tid
    local f = redis.call('HMGET', key, 'status', 'agent', 'queue', 'jobSeq')
    local st = f[1]
    if st and not TERMINAL[st] then
      setStatus(tid, st, 'cancelled', { 'finishedAt', now, 'error', cjson.encode({ kind = 'cancelled', message = message }) })
      countOutcome('cancelled', f[2])
      if INFLIGHT[st] and inflight then
        table.insert(inflight, tid)
        table.insert(inflight, f[3] or 'tasks')
        table.insert(inflight, st)
        table.insert(inflight, f[4] or '0')
      end
    end
  end
end
