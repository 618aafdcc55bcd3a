-- A responder's presence on a partition: renews its member (group|consumer) to lapse ttl ms from now (Redis's clock),
-- or withdraws it (ttl 0); forgets lapsed members; the set expires when its last member lapses.
-- KEYS[1] presence zset; ARGV[1] member, ARGV[2] ttl (ms; 0 withdraws). Returns {done}.
local now = nowMs()
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
if ttl > 0 then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
-- the members still present, scores ascending: the set lives until the last one lapses (members of one group are
-- few, and so are the groups that serve a topic)
local present = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'WITHSCORES')
if #present > 0 then
  redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(present[#present]) - now))
end
return {DONE}
