-- The job of a task that became queued, flattened for the caller (parseReady in replies.ts):
--   id, queue, attempts left, backoffMs, priority, job sequence number
-- The job id is <run>.<task>, or <run>.<task>.<seq> after the task was queued again (woken
-- from a wait, retried): a finished job keeps its id for a while, and BullMQ ignores an add
-- of an id it holds.
local JOB_FIELDS = { 'queue', 'maxAttempts', 'backoffMs', 'priority', 'jobSeq', 'retriesUsed' }

-- `f` holds the JOB_FIELDS values of the task from index `at` on.
local function describeJob(out, tid, f, at)
  local attempts = math.max(1, tonumber(f[at + 1] or '1') - tonumber(f[at + 5] or '0'))
  table.insert(out, tid)
  table.insert(out, f[at] or 'tasks')
  table.insert(out, attempts)
  table.insert(out, f[at + 2] or '0')
  table.insert(out, f[at + 3] or '0')
  table.insert(out, f[at + 4] or '0')
end

-- Reads the task's job fields and describes its job.
local function describeTaskJob(out, tid)
  describeJob(out, tid, redis.call('HMGET', taskPrefix .. tid, unpack(JOB_FIELDS)), 1)
end
