-- A responder's presence on a partition: renews its member (group|consumer) to lapse ttl ms from now (Redis's clock),
-- or withdraws it (ttl 0); forgets lapsed members; the set itself expires ttl after the last renewal.
-- KEYS[1] presence zset; ARGV[1] member, ARGV[2] ttl (ms; 0 withdraws). Returns {done}.
local now = nowMs()
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
if ttl > 0 then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
  if redis.call('PTTL', KEYS[1]) < ttl then
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return {DONE}
