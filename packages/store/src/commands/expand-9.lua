--[[
  An `expands: true` task adds the tasks of its plan fragment to the running DAG, all or
  nothing, while its attempt still owns it (before it completes): between the task and its
  own dependents, which now wait for the fragment's sinks too. Once per task (a later
  attempt keeps the first fragment).
  KEYS, ARGV[1]: see includes/run-keys.lua
  ARGV[2] parent task id
  ARGV[3] worker, ARGV[4] attempt: the fence
  ARGV[5] the fragment, JSON (built by scripts/expand.ts):
          { tasks: [{ id, fields: [k, v, ...] }] in topological order, roots, anyRoots, sinks,
            dependents, anyDependents (the parent's, as read), external (existing ids the
            fragment depends on: they must have succeeded), flow, maxTotal, finallyId? (the
            merge queue, which every task releases: it waits for the fragment's too) }
          (the caller registers the fragment's queues before)
  Returns { 'ok', tasks added } | { 'dup' } (expanded before) | { 'stale' } (the attempt
  lost the task) | { 'refused', why }.
]]
--- @include "includes/run-keys"
--- @include "includes/owns-attempt"
--- @include "includes/decode-list"

local tid = ARGV[2]
local key = taskPrefix .. tid
local t = redis.call('HMGET', key, 'status', 'worker', 'attempts', 'next', 'dependents', 'anyDependents', 'expanded')
if t[1] ~= 'running' or not ownsAttempt(t[2], t[3], ARGV[3], ARGV[4]) then return { 'stale' } end
if t[7] == '1' then return { 'dup' } end
local f = cjson.decode(ARGV[5])
local n = #f.tasks
for _, task in ipairs(f.tasks) do
  if redis.call('EXISTS', taskPrefix .. task.id) == 1 then return { 'refused', 'the run has a task ' .. task.id .. ' already' } end
end
for _, d in ipairs(f.external) do
  local st = redis.call('HGET', taskPrefix .. d, 'status')
  if st ~= 'succeeded' then return { 'refused', 'the fragment depends on ' .. d .. ', which is ' .. tostring(st) } end
end
if tonumber(redis.call('HGET', runKey, 'total') or '0') + n > f.maxTotal then
  return { 'refused', 'the run would have more than ' .. f.maxTotal .. ' tasks' }
end

-- Appends to a JSON list of ids kept as text.
local function append(k, field, items)
  if #items == 0 then return end
  local list = decodeList(redis.call('HGET', k, field))
  for _, v in ipairs(items) do table.insert(list, v) end
  redis.call('HSET', k, field, cjson.encode(list))
end

local newIds = {}
for _, task in ipairs(f.tasks) do
  redis.call('HSET', taskPrefix .. task.id, unpack(task.fields))
  table.insert(newIds, task.id)
end
append(key, 'next', f.roots)
append(key, 'dependents', f.roots)
append(key, 'anyDependents', f.anyRoots)
local anyDependent = {}
for _, d in ipairs(f.anyDependents) do anyDependent[d] = true end
for _, d in ipairs(f.dependents) do
  local dkey = taskPrefix .. d
  if redis.call('HGET', dkey, 'status') == 'blocked' then redis.call('HINCRBY', dkey, 'pending', #f.sinks) end
  append(dkey, 'deps', f.sinks)
  if anyDependent[d] then append(dkey, 'anyDeps', f.sinks) end
end

local function pushAll(items)
  for i = 1, #items, 5000 do redis.call('RPUSH', tasksKey, unpack(items, i, math.min(i + 4999, #items))) end
end

-- The fragment goes right after the parent in the run's task list (it stays in topological
-- order): one LINSERT per task scans the list up to the parent; cutting the list after the
-- parent and pushing the fragment and then the rest moves only what follows it. Whichever
-- touches less.
local at = redis.call('LPOS', tasksKey, tid) or redis.call('LLEN', tasksKey)
local after = redis.call('LLEN', tasksKey) - at - 1
if n * (at + 1) <= after then
  for i = n, 1, -1 do redis.call('LINSERT', tasksKey, 'AFTER', tid, newIds[i]) end
else
  local rest = after > 0 and redis.call('LRANGE', tasksKey, at + 1, -1) or {}
  redis.call('LTRIM', tasksKey, 0, at)
  pushAll(newIds)
  pushAll(rest)
end

if f.finallyId then redis.call('HINCRBY', taskPrefix .. f.finallyId, 'pending', n) end
redis.call('HINCRBY', countsKey, 'blocked', n)
redis.call('HINCRBY', runKey, 'remaining', n)
redis.call('HINCRBY', runKey, 'total', n)
if f.flow then redis.call('HSET', runKey, 'flow', '1') end
redis.call('HSET', key, 'expanded', '1', 'expandedTasks', n)
return { 'ok', n }
