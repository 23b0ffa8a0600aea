--- @include "run-keys"
--- @include "notice"
--- @include "cancel-remaining"
--- @include "skip-dependents"

-- Task `tid` has failed for good (its status is set already): it goes into the recent
-- failures and the notices; fail-fast cancels the rest of the run, else its dependents are
-- skipped. Appends what became ready to `ready`. Returns '1' when fail-fast fired, else '0'.
local function failTask(tid, kind, message, now, ready, dependents)
  local runId = redis.call('HGET', runKey, 'id')
  redis.call('LPUSH', failuresKey, cjson.encode({ runId = runId, taskId = tid, kind = kind, message = string.sub(message, 1, 500), finishedAt = now }))
  redis.call('LTRIM', failuresKey, 0, 99)
  notice('task_failed', { 'runId', runId, 'taskId', tid, 'kind', kind, 'message', string.sub(message, 1, 1000) })
  if redis.call('HGET', runKey, 'failFast') == '1' then
    redis.call('HSET', runKey, 'failFastTriggered', '1')
    cancelRemaining(now, 'fail-fast: task ' .. tid .. ' failed', nil)
    return '1'
  end
  skipDependents(tid, dependents, now, ready)
  return '0'
end
