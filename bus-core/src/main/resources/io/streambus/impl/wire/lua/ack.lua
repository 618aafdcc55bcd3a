-- Acknowledges entries this consumer still holds, and only those: an entry a peer claimed after our lease ran out
-- is the peer's to settle.
-- KEYS[1] stream, KEYS[2] members hash of the group, KEYS[3] the group's moved set (entries a claim moved from one
-- consumer to another in the last hour, scored by when), KEYS[4] (ordered processing only) the partition's owner
-- key, which must name this subscription
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] its token, ARGV[4] now (ms), ARGV[5..] ids
-- Returns {fenced} when this consumer name was taken by another process, {not_ours} when the partition is not ours
-- (any more), else {done, acked, trimmed, ids not ours...}: a trimmed id was pending nowhere (its entry is gone, or
-- somebody acknowledged it): nothing to settle, and not a lost lease.
--
-- Why most ids need no check of their own: an entry leaves this consumer's pending list only by our own
-- acknowledgement or by an XCLAIM, and every claim of the bus (claim.lua, adopt.lua) that takes an entry from another
-- consumer records it in the moved set. While this consumer's membership is live and its token current, an id that
-- is not in the moved set is still ours. One XPENDING per id, as before, was most of the bus's Redis time per
-- message (Lua turns each reply into tables), against one ZMSCORE for the batch now. Ids in the moved set, and every
-- id when the membership has lapsed, are checked one by one; a moved id acknowledged here leaves the set.
local stream, members, moved = KEYS[1], KEYS[2], KEYS[3]
local group, me = ARGV[1], ARGV[2]
local now = tonumber(ARGV[4])
local current, fenced = membership(members, me, ARGV[3])
if fenced then
  return {FENCED}
end
if not owns(KEYS[4], me, ARGV[3]) then
  return {NOT_OURS}
end
-- the membership's expiry is its last field ("token|claimMinIdle|ordering|expiresAt")
local live = current and tonumber(string.match(current, '|(%d+)$') or '0') >= now
local function xack(list, from, to)
  local n = 0
  for first = from, to, 500 do
    n = n + redis.call('XACK', stream, group, unpack(list, first, math.min(first + 499, to)))
  end
  return n
end
local movedAny = live and redis.call('EXISTS', moved) == 1
if live and not movedAny then
  -- the usual case: nothing to check one by one, and no table to build
  local acked = xack(ARGV, 5, #ARGV)
  return {DONE, acked, #ARGV - 4 - acked}
end
local marks = {}
if movedAny then
  for first = 5, #ARGV, 500 do
    local part = redis.call('ZMSCORE', moved, unpack(ARGV, first, math.min(first + 499, #ARGV)))
    for j = 1, #part do
      marks[first - 5 + j] = part[j]
    end
  end
end

local ours, out, trimmed, settled = {}, {DONE, 0, 0}, 0, {}
for i = 5, #ARGV do
  local id = ARGV[i]
  if live and not marks[i - 4] then
    ours[#ours + 1] = id
  elseif #redis.call('XPENDING', stream, group, id, id, 1, me) > 0 then
    ours[#ours + 1] = id
    if marks[i - 4] then
      settled[#settled + 1] = id
    end
  elseif #redis.call('XRANGE', stream, id, id) == 0 then
    trimmed = trimmed + 1
  else
    out[#out + 1] = id
  end
end
local acked = xack(ours, 1, #ours)
for first = 1, #settled, 500 do
  redis.call('ZREM', moved, unpack(settled, first, math.min(first + 499, #settled)))
end
-- an unchecked id that XACK did not count was pending nowhere
out[2] = acked
out[3] = trimmed + (#ours - acked)
return out
