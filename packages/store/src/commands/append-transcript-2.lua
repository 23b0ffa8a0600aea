--[[
  Appends one batch of an attempt's transcript (includes/append-transcript.lua): one command
  for the worker, whatever the batch holds.
  KEYS[1] the attempt's transcript stream
  KEYS[2] the run's transcript index (set of `<task>:<attempt>`)
  ARGV[1] the attempt's index member `<task>:<attempt>`
  ARGV[2] the stream's hard cap in entries (MAXLEN ~)
  ARGV[3] ms until both keys expire (the batch ends the attempt), or '' while it goes on
  ARGV[4..] the batch's entries, JSON
  Returns the id of the last stream entry written, or false for an empty batch.
]]
--- @include "includes/append-transcript"

return appendTranscript(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], 4)
