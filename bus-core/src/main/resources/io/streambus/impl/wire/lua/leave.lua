-- A subscription leaves the group: its membership goes (if it is still its own), and the consumer too when it holds
-- nothing (XGROUP DELCONSUMER would drop pending entries). KEYS[1] stream, KEYS[2] members hash
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] token. Returns 1 when the consumer was removed from the group.
local current = redis.call('HGET', KEYS[2], ARGV[2])
if current and string.match(current, '^([^|]*)|') == ARGV[3] then
  redis.call('HDEL', KEYS[2], ARGV[2])
elseif current then
  return 0
end
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then
  return 0
end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
