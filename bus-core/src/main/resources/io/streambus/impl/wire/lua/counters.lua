-- The counters Redis 7 keeps and 6.2 lacks, read in one atomic step so that they agree with each other: the entries
-- ever added (length + what the bus's trimming removed, trim.lua) and, per group, the lag, from which entries-read
-- is entries-added - lag. A running producer would set them apart if they came from separate replies.
-- KEYS[1] stream, KEYS[2] its trim counter; ARGV[1] cap of each lag count (a huge backlog must not block Redis).
-- Returns {done, length, trimmed, name, lag, name, lag, ...}; a lag equal to the cap means "at least".
local cap = tonumber(ARGV[1])
local length = redis.call('XLEN', KEYS[1])
local trimmed = tonumber(redis.call('GET', KEYS[2]) or '0')
local out = {DONE, length, trimmed}
if length == 0 and redis.call('EXISTS', KEYS[1]) == 0 then
  return out
end
for _, g in ipairs(groupsOf(KEYS[1])) do
  out[#out + 1] = g[1]
  out[#out + 1] = countAfter(KEYS[1], g[2], cap)
end
return out
