-- Acknowledges entries this consumer still holds, and only those: an entry a peer claimed after our lease ran out
-- is the peer's to settle. KEYS[1] stream, KEYS[2] members hash of the group, KEYS[3] (ordered processing only) the
-- partition's owner key, which must name this subscription
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] its token, ARGV[4..] ids
-- Returns {-1} when this consumer name was taken by another process, {-2} when the partition is not ours (any
-- more), else {acked, trimmed, ids not ours...}: a
-- trimmed id is no longer pending here and its entry is gone (nothing to settle, not a lost lease).
local stream, members = KEYS[1], KEYS[2]
local group, me = ARGV[1], ARGV[2]
local current = redis.call('HGET', members, me)
if current and string.match(current, '^([^|]*)|') ~= ARGV[3] then
  return {-1}
end
if KEYS[3] and redis.call('GET', KEYS[3]) ~= me .. '|' .. ARGV[3] then
  return {-2}
end

-- Which ids are pending on this consumer: one XPENDING over the batch's id range, filtered to this consumer, instead
-- of one per id (that was most of the step's Redis time). The range may hold more of our entries than the batch
-- (others still in handlers); with a reply cut at its count, the ids it did not reach are checked one by one.
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local lo, hi = ARGV[4], ARGV[4]
local loMs, loSeq = parse(lo)
local hiMs, hiSeq = loMs, loSeq
for i = 5, #ARGV do
  local ms, seq = parse(ARGV[i])
  if ms < loMs or (ms == loMs and seq < loSeq) then
    lo, loMs, loSeq = ARGV[i], ms, seq
  end
  if ms > hiMs or (ms == hiMs and seq > hiSeq) then
    hi, hiMs, hiSeq = ARGV[i], ms, seq
  end
end
local count = (#ARGV - 3) + 1000
local pending = redis.call('XPENDING', stream, group, lo, hi, count, me)
local mine = {}
for _, p in ipairs(pending) do
  mine[p[1]] = true
end
local cut = #pending >= count

local ours, out, trimmed = {}, {0, 0}, 0
for i = 4, #ARGV do
  local id = ARGV[i]
  if mine[id] or (cut and #redis.call('XPENDING', stream, group, id, id, 1, me) > 0) then
    ours[#ours + 1] = id
  elseif #redis.call('XRANGE', stream, id, id) == 0 then
    trimmed = trimmed + 1
  else
    out[#out + 1] = id
  end
end
for from = 1, #ours, 500 do
  local args = {stream, group}
  for i = from, math.min(from + 499, #ours) do
    args[#args + 1] = ours[i]
  end
  redis.call('XACK', unpack(args))
end
out[1] = #ours
out[2] = trimmed
return out
