-- Moves one pending entry to the dead-letter stream and acknowledges it, atomically, keeping its original fields and
-- recording why. KEYS[1] stream, KEYS[2] dlq, KEYS[3] retry zset of the group
-- ARGV[1] group, ARGV[2] id, ARGV[3] consumer, ARGV[4] deliveries, ARGV[5] error class, ARGV[6] error, ARGV[7] now
-- Returns the dead letter's id, false when the entry no longer exists (it is acknowledged all the same), or 'done'
-- when it was no longer pending: a run whose reply a dropped connection lost and that the bus retried must not
-- dead-letter the entry twice.
local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
local wasPending = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
if #e == 0 then
  return false
end
if wasPending == 0 then
  return 'done'
end
local args = {KEYS[2], '*'}
for _, v in ipairs(e[1][2]) do
  args[#args + 1] = v
end
local meta = {'dl:stream', KEYS[1], 'dl:id', ARGV[2], 'dl:group', ARGV[1], 'dl:consumer', ARGV[3],
  'dl:deliveries', ARGV[4], 'dl:error-class', ARGV[5], 'dl:error', ARGV[6], 'dl:time', ARGV[7]}
for _, v in ipairs(meta) do
  args[#args + 1] = v
end
return redis.call('XADD', unpack(args))
