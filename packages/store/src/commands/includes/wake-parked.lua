--- @include "run-keys"
--- @include "set-status"
--- @include "describe-job"

-- A parked task goes on: parked -> queued with a new job (its old one finished), its wait
-- fields cleared. Appends its job to `out` (describe-job.lua).
local function wakeParked(tid, now, out)
  local key = taskPrefix .. tid
  redis.call('HDEL', key, 'waitKind', 'waitReason', 'waitUntil', 'waitingSince')
  redis.call('HINCRBY', key, 'jobSeq', 1)
  setStatus(tid, 'parked', 'queued', { 'queuedAt', now })
  describeTaskJob(out, tid)
end
