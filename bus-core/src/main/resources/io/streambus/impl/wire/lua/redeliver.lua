-- Delivers an entry this subscription holds once more, in place (ordered processing retries a failed message where
-- it is, holding back what comes after it): XCLAIM to itself counts the delivery in Redis, so that the limit holds
-- across a crash. KEYS[1] stream, KEYS[2] members hash, KEYS[3] the owner key
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] its token, ARGV[4] id
-- Returns {done, deliveries, fields}; {fenced} when this consumer name was taken over; {not_ours} when the entry or
-- the partition is not ours (any more); {gone} when its entry is gone (acknowledged then).
local stream, group, me, token, id = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local _, fenced = membership(KEYS[2], me, token)
if fenced then
  return {FENCED}
end
if not owns(KEYS[3], me, token) then
  return {NOT_OURS}
end
local p = redis.call('XPENDING', stream, group, id, id, 1, me)
if #p == 0 then
  return {NOT_OURS}
end
-- held by this consumer: no move to record, so no moved set
local fields = claimEntry(stream, group, nil, me, me, 0, id)
if not fields then
  return {GONE}
end
return {DONE, tonumber(p[1][4]) + 1, fields}
