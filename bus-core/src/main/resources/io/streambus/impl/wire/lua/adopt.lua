-- The owner of a partition (ordered processing) takes over every entry pending in the group on it, whoever holds
-- it, in id order, before it reads anything new: what a previous owner left (it died, or handed back what it had not
-- started) and what a lost read reply left on this consumer. Claiming counts a delivery, as any claim does.
-- KEYS[1] stream, KEYS[2] the owner key, KEYS[3] the group's moved set (see ack.lua and claim.lua: an entry taken
-- from another consumer is recorded there, for an hour); ARGV[1] group, ARGV[2] this consumer, ARGV[3] its token, ARGV[4] limit,
-- ARGV[5..] ids this subscription holds (not claimed again)
-- Returns {-2} when the partition is not ours, else {trimmed, id1, fields1, deliveries1, ...}: pending ids whose
-- entry no longer exists are acknowledged and counted in trimmed. Fewer entries than the limit means none is left.
local stream, group, me = KEYS[1], ARGV[1], ARGV[2]
if redis.call('GET', KEYS[2]) ~= me .. '|' .. ARGV[3] then
  return {-2}
end
local limit = tonumber(ARGV[4])
local held = {}
local heldCount = 0
for i = 5, #ARGV do
  held[ARGV[i]] = true
  heldCount = heldCount + 1
end
local out = {0}
local taken, trimmed = 0, 0
local p = redis.call('XPENDING', stream, group, '-', '+', heldCount + limit)
for _, e in ipairs(p) do
  if taken >= limit then
    break
  end
  local id = e[1]
  if not held[id] then
    if e[2] ~= me then
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      redis.call('ZADD', KEYS[3], now, id)
      redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 3600000)
      redis.call('PEXPIRE', KEYS[3], 3600000)
    end
    local r = redis.call('XCLAIM', stream, group, me, 0, id)
    local entry = r[1]
    if entry and entry ~= false and entry[2] and entry[2] ~= false then
      out[#out + 1] = entry[1]
      out[#out + 1] = entry[2]
      out[#out + 1] = tonumber(e[4]) + 1
      taken = taken + 1
    else
      redis.call('XACK', stream, group, id)
      trimmed = trimmed + 1
    end
  end
end
out[1] = trimmed
return out
