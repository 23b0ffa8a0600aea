--[[
  A decision on a task awaiting approval (a person's `fleet approve|reject`, or its timeout):
  approve -> succeeded, its dependents released; reject -> failed with kind `rejected`, its
  dependents skipped as for any failure. Who, when and the note are kept in `approval`.
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] task id
  ARGV[3] approve | reject
  ARGV[4] the decision, JSON { by, note?, timedOut? } (`at` and `decision` are added here)
  ARGV[5] '1': only if the wait is due (the timeout speaking; a person decided first)
  Returns { reply, final run status or '', fail-fast fired '1' | '0', ready... } where reply
  is ok | no (the task does not await approval: [2] is its status) | early (not due yet).
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/decode-list"
--- @include "includes/set-status"
--- @include "includes/stats"
--- @include "includes/release"
--- @include "includes/fail-task"
--- @include "includes/mark-handled"
--- @include "includes/finish-run"

local tid, decision = ARGV[2], ARGV[3]
local key = taskPrefix .. tid
local t = redis.call('HMGET', key, 'status', 'agent', 'dependents', 'next', 'waitUntil')
if t[1] ~= 'awaiting_approval' then return { 'no', t[1] or '', '0' } end
local now = nowMs()
if ARGV[5] == '1' and (not t[5] or t[5] == '' or tonumber(t[5]) > now) then return { 'early', '', '0' } end

local record = cjson.decode(ARGV[4])
record.decision, record.at = decision, now
local outcome = decision == 'approve' and 'succeeded' or 'failed'
local fields = { 'finishedAt', now, 'approval', cjson.encode(record) }
local message = ''
if outcome == 'failed' then
  message = record.timedOut and ('no decision in time: rejected by its timeout') or ('rejected by ' .. tostring(record.by))
  if record.note and record.note ~= '' then message = message .. ': ' .. record.note end
  table.insert(fields, 'error'); table.insert(fields, cjson.encode({ kind = 'rejected', message = message }))
end
redis.call('HDEL', key, 'waitKind', 'waitReason', 'waitUntil', 'waitingSince')
local remaining = setStatus(tid, 'awaiting_approval', outcome, fields)
countOutcome(outcome, t[2])
markHandled(tid)
local ready = {}
local failFast = '0'
if outcome == 'failed' then
  remaining = nil
  failFast = failTask(tid, 'rejected', message, now, ready, decodeList(t[3]))
end
release(tid, outcome, now, ready, decodeList(t[4]))
local out = { 'ok', finishRunIfDone(now, remaining) or '', failFast }
for _, v in ipairs(ready) do table.insert(out, v) end
return out
