-- Moves one entry this consumer holds to the dead-letter stream and acknowledges it, atomically, keeping its original
-- fields and recording why. KEYS[1] stream, KEYS[2] dlq, KEYS[3] retry zset of the group, KEYS[4] members hash,
-- KEYS[5] (ordered processing only) the partition's owner key, which must name this subscription
-- ARGV[1] group, ARGV[2] id, ARGV[3] consumer, ARGV[4] deliveries, ARGV[5] error class, ARGV[6] error, ARGV[7] now,
-- ARGV[8] the consumer's token
-- Returns {done, the dead letter's id}; {gone} when the entry no longer exists (acknowledged all the same); {settled}
-- when it was no longer pending at all (a run whose reply a dropped connection lost, retried by the bus, must not
-- dead-letter it twice); {not_ours} when it, or the partition, is another consumer's (a peer claimed it after our
-- lease ran out: its to settle); {fenced} when this consumer name was taken over by another process.
local _, fenced = membership(KEYS[4], ARGV[3], ARGV[8])
if fenced then
  return {FENCED}
end
if not owns(KEYS[5], ARGV[3], ARGV[8]) then
  return {NOT_OURS}
end
local id = ARGV[2]
if #redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1, ARGV[3]) == 0 then
  if #redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1) > 0 then
    return {NOT_OURS}
  end
  return {SETTLED}
end
local e = redis.call('XRANGE', KEYS[1], id, id)
redis.call('XACK', KEYS[1], ARGV[1], id)
redis.call('ZREM', KEYS[3], id)
if #e == 0 then
  return {GONE}
end
local args = {KEYS[2], '*'}
for _, v in ipairs(e[1][2]) do
  args[#args + 1] = v
end
local meta = {'dl:stream', KEYS[1], 'dl:id', id, 'dl:group', ARGV[1], 'dl:consumer', ARGV[3],
  'dl:deliveries', ARGV[4], 'dl:error-class', ARGV[5], 'dl:error', ARGV[6], 'dl:time', ARGV[7]}
for _, v in ipairs(meta) do
  args[#args + 1] = v
end
return {DONE, redis.call('XADD', unpack(args))}
