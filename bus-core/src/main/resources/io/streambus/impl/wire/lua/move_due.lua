-- Moves delayed messages that are due into the stream, atomically: an entry is in exactly one of the two places.
-- KEYS[1] delayed zset, KEYS[2] stream; ARGV[1] now (epoch ms), ARGV[2] limit. Returns {done, how many moved}.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local packed = cmsgpack.unpack(member)
  local args = {KEYS[2], '*'}
  for i = 2, #packed do
    args[#args + 1] = packed[i]
  end
  redis.call('XADD', unpack(args))
  redis.call('ZREM', KEYS[1], member)
end
return {DONE, #due}
