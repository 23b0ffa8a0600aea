-- An attempt failed and BullMQ will try again: running -> queued, the error kept.
-- ARGV: 1 taskPrefix, 2 taskId, 3 error kind, 4 error message, 5 worker, 6 attempt (the fence)
local tid = ARGV[2]
local key = taskPrefix .. tid
local status = redis.call('HGET', key, 'status')
if not status or TERMINAL[status] then return 0 end
local owner = redis.call('HMGET', key, 'worker', 'attempts')
if owner[1] ~= ARGV[5] or owner[2] ~= ARGV[6] then return 0 end
setStatus(tid, status, 'queued')
redis.call('HSET', key, 'error', cjson.encode({ kind = ARGV[3], message = ARGV[4] }), 'queuedAt', nowMs())
redis.call('HINCRBY', statsKey, 'retries|' .. (redis.call('HGET', key, 'agent') or 'unknown'), 1)
return 1
