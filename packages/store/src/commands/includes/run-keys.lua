--[[
  The KEYS and ARGV[1] every run script takes (packages/store/src/scripts/run-keys.ts
  builds them):
    KEYS[1] run hash            KEYS[2] counts hash (tasks by status)
    KEYS[3] inflight set        KEYS[4] durable stats hash
    KEYS[5] active-runs set     KEYS[6] recent failures list
    KEYS[7] the run's task ids, topological order
    KEYS[8] the fleet's waiting tasks (zset: member run|task, score = due time in ms)
    KEYS[9] the fleet's notices stream (what people are told of: notify, console)
    ARGV[1] task key prefix of the run (a task's hash is prefix .. taskId)
]]
local runKey, countsKey, inflightKey, statsKey, activeKey, failuresKey, tasksKey, waitsKey, noticesKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local taskPrefix = ARGV[1]

local TERMINAL = { succeeded = true, failed = true, skipped = true, cancelled = true }
-- a job exists (or is being added) for these
local INFLIGHT = { queued = true, running = true }
-- no slot and no job: the task waits in waitsKey until it is due or a command wakes it
local WAITING = { parked = true, awaiting_approval = true }
