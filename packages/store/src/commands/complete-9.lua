--[[
  Marks a task terminal (succeeded | failed) and advances the DAG, atomically.
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] task id
  ARGV[3] outcome: succeeded | failed
  ARGV[4] result fields to write, a flat JSON array [k, v, ...]
  ARGV[5] the attempt's figures, JSON { durationSec?, model?, input, cachedInput, output, costUsd }
  ARGV[6] error kind, ARGV[7] error message (failed only)
  ARGV[8] worker, ARGV[9] attempt: the fence ('' = none: the reconciler speaking for a lost job)
  ARGV[10] the attempt's history entry (a JSON object; '' = none)
  ARGV[11] the attempt's transcript stream ('' = no transcript tail), ARGV[12] the run's
  transcript index, ARGV[13] the attempt's member there, ARGV[14] the stream's hard cap,
  ARGV[15] ms until both expire, ARGV[16..] the transcript's last entries, its end among
  them: written with the task's end (includes/append-transcript.lua), only when the reply is ok
  Returns { reply, final run status or '', fail-fast fired '1' | '0', ready... } where reply
  is ok | dup (already terminal) | stale (the attempt lost the task: nothing recorded) and
  ready lists the jobs of the tasks that became ready (includes/describe-job.lua).
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/decode-list"
--- @include "includes/set-status"
--- @include "includes/stats"
--- @include "includes/spend"
--- @include "includes/owns-attempt"
--- @include "includes/release"
--- @include "includes/fail-task"
--- @include "includes/mark-handled"
--- @include "includes/finish-run"
--- @include "includes/append-transcript"

local tid, outcome = ARGV[2], ARGV[3]
local key = taskPrefix .. tid
local t = redis.call('HMGET', key, 'status', 'worker', 'attempts', 'agent', 'dependents', 'next', 'history')
local status = t[1]
if not status then return redis.error_reply('unknown task ' .. tid) end
if TERMINAL[status] then return { 'dup', '', '0' } end
if not ownsAttempt(t[2], t[3], ARGV[8], ARGV[9]) then return { 'stale', '', '0' } end

local now = nowMs()
local fields = cjson.decode(ARGV[4])
table.insert(fields, 'finishedAt'); table.insert(fields, now)
if outcome == 'failed' then
  table.insert(fields, 'error'); table.insert(fields, cjson.encode({ kind = ARGV[6], message = ARGV[7] }))
end
local history = withHistory(t[7], ARGV[10])
if history then table.insert(fields, 'history'); table.insert(fields, history) end
local remaining = setStatus(tid, status, outcome, fields)
markHandled(tid)

local s = cjson.decode(ARGV[5])
countOutcome(outcome, t[4])
if s.durationSec then countDuration(t[4], tonumber(s.durationSec)) end
recordSpend(key, s)

local ready = {}
local failFast = '0'
if outcome == 'failed' then
  remaining = nil
  failFast = failTask(tid, ARGV[6], ARGV[7], now, ready, decodeList(t[5]))
end
release(tid, outcome, now, ready, decodeList(t[6]))

if ARGV[11] ~= '' then appendTranscript(ARGV[11], ARGV[12], ARGV[13], ARGV[14], ARGV[15], 16) end

local out = { 'ok', finishRunIfDone(now, remaining) or '', failFast }
for _, v in ipairs(ready) do table.insert(out, v) end
return out
