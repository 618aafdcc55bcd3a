-- Schedules another delivery of an entry this consumer holds: it stays pending, and its id goes into the group's
-- retry set, from which any member claims it once due. Only the holder may do this: a peer that claimed the entry
-- after our lease ran out is working on it. KEYS[1] stream, KEYS[2] retry zset of the group, KEYS[3] members hash
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] its token, ARGV[4] id, ARGV[5] due (epoch ms)
-- Returns {done} when scheduled, {not_ours} when the entry is not ours (any more), {fenced} when this consumer name
-- was taken over.
local _, fenced = membership(KEYS[3], ARGV[2], ARGV[3])
if fenced then
  return {FENCED}
end
if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[4], ARGV[4], 1, ARGV[2]) == 0 then
  return {NOT_OURS}
end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
return {DONE}
