--- @include "run-keys"
--- @include "now"

-- Something people are told of (notices.ts lists the types), appended to the fleet's notices
-- stream in the same script as the change it reports, so none is lost and none is doubled.
-- The stream keeps about the last 10,000.
local function notice(kind, fields)
  redis.call('XADD', noticesKey, 'MAXLEN', '~', 10000, '*', 'type', kind, 'at', nowMs(), unpack(fields))
end
