--- @include "run-keys"
--- @include "decode-list"
--- @include "set-status"
--- @include "describe-job"

-- A node reached a terminal status: release its scheduling successors. Barriers (levels
-- schedule) and the finally node (the merge queue) open when every task before them is
-- terminal, whatever the outcome; real successors when this one succeeded, or whatever its
-- outcome when they list it with `after: any` (its anyDependents). A task that becomes ready is recorded queued at
-- once (readyAt = queuedAt): the caller adds its job right after, and if it dies first the
-- reconciler finds a queued task without a job. Appends the job options of the newly ready
-- tasks to `ready` (see describe-job.lua). `nextList` saves a read when the caller has the
-- successors already.
local function release(tid, outcome, now, ready, nextList)
  local stack = { { tid, outcome, nextList } }
  while #stack > 0 do
    local item = table.remove(stack)
    local successors = item[3] or decodeList(redis.call('HGET', taskPrefix .. item[1], 'next'))
    -- read only after a failure or a skip: the success path stays one HMGET per successor
    local anyNext = item[2] ~= 'succeeded' and decodeSet(redis.call('HGET', taskPrefix .. item[1], 'anyDependents')) or {}
    for _, succ in ipairs(successors) do
      local skey = taskPrefix .. succ
      local s = redis.call('HMGET', skey, 'barrier', 'status', 'next', unpack(JOB_FIELDS))
      local isBarrier = s[1] == '1'
      -- a finally node (the merge queue) waits for every task, whatever its outcome
      local isFinally = not isBarrier and item[2] ~= 'succeeded' and redis.call('HGET', skey, 'finally') == '1'
      if isBarrier or isFinally or item[2] == 'succeeded' or anyNext[succ] then
        local pending = redis.call('HINCRBY', skey, 'pending', -1)
        if pending <= 0 and s[2] == 'blocked' then
          if isBarrier then
            redis.call('HSET', skey, 'status', 'succeeded', 'finishedAt', now)
            table.insert(stack, { succ, 'succeeded', decodeList(s[3]) })
          else
            setStatus(succ, 'blocked', 'queued', { 'readyAt', now, 'queuedAt', now })
            describeJob(ready, succ, s, 4)
          end
        end
      end
    end
  end
end
