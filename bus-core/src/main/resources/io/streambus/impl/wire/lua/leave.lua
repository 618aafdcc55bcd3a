-- A subscription leaves the group: its membership goes (if it is still its own), and the consumer too when it holds
-- nothing (XGROUP DELCONSUMER would drop pending entries). KEYS[1] stream, KEYS[2] members hash
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] token. Returns {done, 1} when the consumer was removed from the group,
-- {done, 0} when it holds entries (only the membership went), {fenced} when another process holds the name now.
local current, fenced = membership(KEYS[2], ARGV[2], ARGV[3])
if fenced then
  return {FENCED}
elseif current then
  redis.call('HDEL', KEYS[2], ARGV[2])
end
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then
  return {DONE, 0}
end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return {DONE, 1}
