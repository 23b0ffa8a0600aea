-- Marks a task terminal (succeeded | failed) and advances the DAG, atomically.
-- ARGV: 1 taskPrefix, 2 taskId, 3 outcome, 4 fields (flat JSON array k,v,...), 5 stats JSON,
--       6 error kind (failed only), 7 error message (failed only),
--       8 worker, 9 attempt: the fence ('' = no fence: the reconciler speaking for a lost job)
-- Returns: { 'ok' | 'dup' | 'stale', finalRunStatus or '', failFast '1'|'0', id, queue, attempts, backoff, priority, ... }
local tid, outcome = ARGV[2], ARGV[3]
local key = taskPrefix .. tid
local status = redis.call('HGET', key, 'status')
if not status then return redis.error_reply('unknown task ' .. tid) end
if TERMINAL[status] then return { 'dup', '', '0' } end
-- An attempt that lost the task (its worker was cut off and another took over) records nothing.
if ARGV[8] ~= '' then
  local owner = redis.call('HMGET', key, 'worker', 'attempts')
  if owner[1] ~= ARGV[8] or owner[2] ~= ARGV[9] then return { 'stale', '', '0' } end
end

local now = nowMs()
local fields = cjson.decode(ARGV[4])
if #fields > 0 then redis.call('HSET', key, unpack(fields)) end
redis.call('HSET', key, 'finishedAt', now)
setStatus(tid, status, outcome)

local s = cjson.decode(ARGV[5])
local agent = s.agent or 'unknown'
redis.call('HINCRBY', statsKey, 'tasks|' .. outcome .. '|' .. agent, 1)
if s.durationBucket then
  redis.call('HINCRBY', statsKey, 'duration|' .. agent .. '|' .. s.durationBucket, 1)
  redis.call('HINCRBYFLOAT', statsKey, 'duration_sum|' .. agent, s.durationSec)
  redis.call('HINCRBY', statsKey, 'duration_count|' .. agent, 1)
end
if s.model and s.model ~= '' then
  for _, kind in ipairs({ 'input', 'cachedInput', 'output' }) do
    local n = tonumber(s[kind] or 0)
    if n > 0 then redis.call('HINCRBY', statsKey, 'tokens|' .. s.model .. '|' .. kind, n) end
  end
  if tonumber(s.costUsd or 0) > 0 then
    redis.call('HINCRBYFLOAT', statsKey, 'cost|' .. s.model, s.costUsd)
  end
end
if tonumber(s.costUsd or 0) > 0 then redis.call('HINCRBYFLOAT', runKey, 'costUsd', s.costUsd) end

local ready = {}
local failFast = '0'
if outcome == 'failed' then
  redis.call('HSET', key, 'error', cjson.encode({ kind = ARGV[6], message = ARGV[7] }))
  redis.call('LPUSH', failuresKey, cjson.encode({ runId = redis.call('HGET', runKey, 'id'), taskId = tid, kind = ARGV[6], message = string.sub(ARGV[7], 1, 500), finishedAt = now }))
  redis.call('LTRIM', failuresKey, 0, 99)
  if redis.call('HGET', runKey, 'failFast') == '1' then
    failFast = '1'
    redis.call('HSET', runKey, 'failFastTriggered', '1')
    local ids = redis.call('LRANGE', tasksKey, 0, -1)
    for _, other in ipairs(ids) do
      local st = redis.call('HGET', taskPrefix .. other, 'status')
      if not TERMINAL[st] then
        setStatus(other, st, 'cancelled')
        redis.call('HSET', taskPrefix .. other, 'finishedAt', now, 'error', cjson.encode({ kind = 'cancelled', message = 'fail-fast: task ' .. tid .. ' failed' }))
      end
    end
  else
    -- Transitive dependents become skipped, naming the failed task; independent branches go on.
    local stack = decodeList(redis.call('HGET', key, 'dependents'))
    local seen = {}
    while #stack > 0 do
      local d = table.remove(stack)
      if not seen[d] then
        seen[d] = true
        local dkey = taskPrefix .. d
        local st = redis.call('HGET', dkey, 'status')
        if st and not TERMINAL[st] then
          setStatus(d, st, 'skipped')
          redis.call('HSET', dkey, 'finishedAt', now, 'skippedBecause', tid,
            'error', cjson.encode({ kind = 'skipped', message = 'dependency ' .. tid .. ' failed' }))
          redis.call('HINCRBY', statsKey, 'tasks|skipped|' .. (redis.call('HGET', dkey, 'agent') or 'unknown'), 1)
          release(d, 'skipped', now, ready)
          for _, dd in ipairs(decodeList(redis.call('HGET', dkey, 'dependents'))) do table.insert(stack, dd) end
        end
      end
    end
  end
end
release(tid, outcome, now, ready)

local final = finishRunIfDone(now) or ''
local out = { 'ok', final, failFast }
for _, v in ipairs(describeReady(ready)) do table.insert(out, v) end
return out
