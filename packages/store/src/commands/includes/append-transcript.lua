--[[
  appendTranscript(stream, index, member, maxLen, expireMs, first): ARGV[first..] (entries as
  JSON) as one stream entry of an attempt's transcript (field `e` once per entry, in order;
  past 1,000 entries, one stream entry per 1,000: unpack() takes a few thousand values at
  most), the attempt indexed under its run (`member` in `index`); when `expireMs` is not ''
  the batch ends the attempt, and both keys expire that long after.
  Returns the id of the last stream entry written, or false for an empty batch.
]]
local function appendTranscript(stream, index, member, maxLen, expireMs, first)
  local id = false
  local CHUNK = 1000
  for from = first, #ARGV, CHUNK do
    local fields = {}
    for i = from, math.min(#ARGV, from + CHUNK - 1) do
      fields[#fields + 1] = 'e'
      fields[#fields + 1] = ARGV[i]
    end
    id = redis.call('XADD', stream, 'MAXLEN', '~', maxLen, '*', unpack(fields))
  end
  if id then redis.call('SADD', index, member) end
  if expireMs ~= '' then
    redis.call('PEXPIRE', stream, expireMs)
    redis.call('PEXPIRE', index, expireMs)
  end
  return id
end
