-- Schedules a message for later delivery. The entry's fields are packed with cmsgpack (binary safe) next to a unique
-- token, so equal messages never collapse into one sorted-set member.
-- KEYS[1] delayed zset; ARGV[1] due (epoch ms), ARGV[2] token, ARGV[3..] field, value, ... Returns {done, token}.
local packed = {ARGV[2]}
for i = 3, #ARGV do
  packed[#packed + 1] = ARGV[i]
end
redis.call('ZADD', KEYS[1], ARGV[1], cmsgpack.pack(packed))
return {DONE, ARGV[2]}
