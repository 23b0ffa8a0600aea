--[[
  Cancels a run: every task not yet terminal becomes cancelled.
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] the reason, recorded as each task's error
  Returns
    { 'terminal', status }: the run had ended already
    { 'ok', final run status or '', (id, queue, status before, job seq)... } for the tasks
      that had jobs: the caller removes the waiting ones and tells workers to stop the running ones
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/cancel-remaining"
--- @include "includes/finish-run"

local status = redis.call('HGET', runKey, 'status')
if not status then return redis.error_reply('unknown run') end
if TERMINAL[status] then return { 'terminal', status } end
local now = nowMs()
redis.call('HSET', runKey, 'cancelRequested', '1')
local inflight = {}
cancelRemaining(now, ARGV[2], inflight)
local out = { 'ok', finishRunIfDone(now) or '' }
for _, v in ipairs(inflight) do table.insert(out, v) end
return out
