-- Delivers an entry this subscription holds once more, in place (ordered processing retries a failed message where
-- it is, holding back what comes after it): XCLAIM to itself counts the delivery in Redis, so that the limit holds
-- across a crash. KEYS[1] stream, KEYS[2] members hash, KEYS[3] the owner key
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] its token, ARGV[4] id
-- Returns {deliveries, fields}, {0} when the entry is not ours (any more), {-1} when its entry is gone.
local stream, group, me, token, id = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local current = redis.call('HGET', KEYS[2], me)
if current and string.match(current, '^([^|]*)|') ~= token then
  return {0}
end
if redis.call('GET', KEYS[3]) ~= me .. '|' .. token then
  return {0}
end
local p = redis.call('XPENDING', stream, group, id, id, 1, me)
if #p == 0 then
  return {0}
end
local r = redis.call('XCLAIM', stream, group, me, 0, id)
local entry = r[1]
if not entry or entry == false or not entry[2] or entry[2] == false then
  redis.call('XACK', stream, group, id)
  return {-1}
end
return {tonumber(p[1][4]) + 1, entry[2]}
