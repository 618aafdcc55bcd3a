-- The owner of a partition (ordered processing) takes over every entry pending in the group on it, whoever holds
-- it, in id order, before it reads anything new: what a previous owner left (it died, or handed back what it had not
-- started) and what a lost read reply left on this consumer. Claiming counts a delivery, as any claim does.
-- KEYS[1] stream, KEYS[2] the owner key, KEYS[3] the group's moved set (see ack.lua and claim.lua: an entry taken
-- from another consumer is recorded there, for an hour); ARGV[1] group, ARGV[2] this consumer, ARGV[3] its token, ARGV[4] limit,
-- ARGV[5..] ids this subscription holds (not claimed again)
-- Returns {not_ours} when the partition is not ours, else {done, trimmed, id1, fields1, deliveries1, ...}: pending
-- ids whose entry no longer exists are acknowledged and counted in trimmed. Fewer entries than the limit means none is
-- left.
local stream, group, me = KEYS[1], ARGV[1], ARGV[2]
if not owns(KEYS[2], me, ARGV[3]) then
  return {NOT_OURS}
end
local limit = tonumber(ARGV[4])
local held = {}
local heldCount = 0
for i = 5, #ARGV do
  held[ARGV[i]] = true
  heldCount = heldCount + 1
end
local out = {DONE, 0}
local taken, trimmed = 0, 0
local p = redis.call('XPENDING', stream, group, '-', '+', heldCount + limit)
for _, e in ipairs(p) do
  if taken >= limit then
    break
  end
  local id = e[1]
  if not held[id] then
    local fields = claimEntry(stream, group, KEYS[3], me, e[2], 0, id)
    if fields then
      out[#out + 1] = id
      out[#out + 1] = fields
      out[#out + 1] = tonumber(e[4]) + 1
      taken = taken + 1
    else
      trimmed = trimmed + 1
    end
  end
end
out[2] = trimmed
return out
