-- Hands entries this consumer read but never started back to the group (graceful close): each stays pending on this
-- consumer but looks idle for ARGV[4] ms, so a peer with any claim min idle takes it at its next reclaim tick, and
-- its delivery count drops by one so that the peer's claim does not count a delivery that never happened.
-- KEYS[1] stream, KEYS[2] members hash, KEYS[3] (ordered processing only) the partition's owner key; ARGV[1] group, ARGV[2] this consumer, ARGV[3] its token, ARGV[4] idle (ms),
-- ARGV[5..] ids. Returns {done, the number handed back}, {fenced} when this consumer name was taken over, {not_ours}
-- when the partition is another's.
local stream, group, me = KEYS[1], ARGV[1], ARGV[2]
local _, fenced = membership(KEYS[2], me, ARGV[3])
if fenced then
  return {FENCED}
end
if not owns(KEYS[3], me, ARGV[3]) then
  return {NOT_OURS}
end
local n = 0
for i = 5, #ARGV do
  local id = ARGV[i]
  local p = redis.call('XPENDING', stream, group, id, id, 1, me)
  if #p > 0 then
    local count = math.max(0, tonumber(p[1][4]) - 1)
    redis.call('XCLAIM', stream, group, me, 0, id, 'IDLE', ARGV[4], 'RETRYCOUNT', count, 'JUSTID')
    n = n + 1
  end
end
return {DONE, n}
