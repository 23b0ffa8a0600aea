--- @include "run-keys"
--- @include "decode-list"
--- @include "set-status"

-- A node reached a terminal status: release its scheduling successors. Barriers (levels
-- schedule) open when every task of their level is terminal, whatever the outcome; real
-- successors only when this one succeeded. A task that becomes ready is recorded queued at
-- once (readyAt = queuedAt): the caller adds its job right after, and if it dies first the
-- reconciler finds a queued task without a job. Appends job options of the newly ready
-- tasks to `ready` (id, queue, attempts, backoffMs, priority, ...). `nextList` saves a read
-- when the caller has the successors already.
local function release(tid, outcome, now, ready, nextList)
  local stack = { { tid, outcome, nextList } }
  while #stack > 0 do
    local item = table.remove(stack)
    local successors = item[3] or decodeList(redis.call('HGET', taskPrefix .. item[1], 'next'))
    for _, succ in ipairs(successors) do
      local skey = taskPrefix .. succ
      local s = redis.call('HMGET', skey, 'barrier', 'status', 'queue', 'maxAttempts', 'backoffMs', 'priority', 'next')
      local isBarrier = s[1] == '1'
      if isBarrier or item[2] == 'succeeded' then
        local pending = redis.call('HINCRBY', skey, 'pending', -1)
        if pending <= 0 and s[2] == 'blocked' then
          if isBarrier then
            redis.call('HSET', skey, 'status', 'succeeded', 'finishedAt', now)
            table.insert(stack, { succ, 'succeeded', decodeList(s[7]) })
          else
            setStatus(succ, 'blocked', 'queued', { 'readyAt', now, 'queuedAt', now })
            table.insert(ready, succ)
            table.insert(ready, s[3] or 'tasks')
            table.insert(ready, s[4] or '1')
            table.insert(ready, s[5] or '0')
            table.insert(ready, s[6] or '0')
          end
        end
      end
    end
  end
end
