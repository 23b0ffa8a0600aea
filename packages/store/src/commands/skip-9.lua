--[[
  A claimed task's `when:` is false: it ends skipped without running (its attempt is not
  counted), its plain dependents are skipped, those listing it with `after: any` go on.
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] task id
  ARGV[3] worker, ARGV[4] attempt: the fence
  ARGV[5] the message ("condition false: test.failed")
  Returns { reply, final run status or '', ready... } where reply is ok | dup (already
  terminal) | stale (the attempt lost the task) and ready lists the jobs of the tasks that
  became ready (includes/describe-job.lua).
]]
--- @include "includes/run-keys"
--- @include "includes/now"
--- @include "includes/decode-list"
--- @include "includes/set-status"
--- @include "includes/stats"
--- @include "includes/owns-attempt"
--- @include "includes/release"
--- @include "includes/skip-dependents"
--- @include "includes/finish-run"

local tid = ARGV[2]
local key = taskPrefix .. tid
local t = redis.call('HMGET', key, 'status', 'worker', 'attempts', 'agent', 'dependents', 'next')
if not t[1] then return redis.error_reply('unknown task ' .. tid) end
if TERMINAL[t[1]] then return { 'dup', '' } end
if not ownsAttempt(t[2], t[3], ARGV[3], ARGV[4]) then return { 'stale', '' } end

local now = nowMs()
setStatus(tid, t[1], 'skipped', { 'finishedAt', now, 'skipReason', 'condition', 'attempts', math.max(0, tonumber(t[3] or '1') - 1),
  'error', cjson.encode({ kind = 'skipped', message = ARGV[5] }) })
countOutcome('skipped', t[4])
local ready = {}
skipDependents(tid, decodeList(t[5]), now, ready, 'condition')
release(tid, 'skipped', now, ready, decodeList(t[6]))
local out = { 'ok', finishRunIfDone(now) or '' }
for _, v in ipairs(ready) do table.insert(out, v) end
return out
