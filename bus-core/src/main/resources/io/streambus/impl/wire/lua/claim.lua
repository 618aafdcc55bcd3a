-- Claims pending entries for this consumer and returns them with their delivery counts (XCLAIM does not report
-- counts, XPENDING does; doing both in one script keeps them consistent, and the script's atomicity means two
-- consumers can never both take the same entry).
--
-- KEYS[1] stream, KEYS[2] retry zset of the group, KEYS[3] the group's moved set (see ack.lua): an entry taken from
-- another consumer is recorded there, so that its former holder's acknowledgement checks it
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] mode, ARGV[4] limit, ARGV[5] now (ms), ARGV[6] min idle (ms),
-- ARGV[7..] ids this consumer holds right now (handling them, or acknowledging them): never claimed
-- mode 'due':   entries whose scheduled retry time has come (from the retry zset)
-- mode 'stale': entries idle >= min idle on any consumer, this one included (an entry whose XREADGROUP reply was
--               lost with a dropped connection sits in our own pending list, unknown to us)
-- mode 'own':   entries pending on this very consumer (after a restart under a fixed name, or a lost read reply)
-- Both 'stale' and 'own' leave alone entries waiting for a scheduled retry.
-- Returns {done, trimmed, id1, fields1, deliveries1, id2, ...}; pending ids whose entry no longer exists are
-- acknowledged and counted in trimmed.
local stream, retry = KEYS[1], KEYS[2]
local group, me, mode = ARGV[1], ARGV[2], ARGV[3]
local limit, now, minIdle = tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local out = {DONE, 0}
local trimmed = 0
local held = {}
for i = 7, #ARGV do
  held[ARGV[i]] = true
end

local function claim(id, deliveries, idle, holder)
  local fields = claimEntry(stream, group, KEYS[3], me, holder, idle, id)
  if fields then
    out[#out + 1] = id
    out[#out + 1] = fields
    out[#out + 1] = deliveries + 1
  else
    trimmed = trimmed + 1
  end
end

if mode == 'due' then
  local ids = redis.call('ZRANGEBYSCORE', retry, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    redis.call('ZREM', retry, id)
    local p = redis.call('XPENDING', stream, group, id, id, 1)
    if #p > 0 then
      claim(id, tonumber(p[1][4]), 0, p[1][2])
    end
  end
else
  local p
  if mode == 'own' then
    p = redis.call('XPENDING', stream, group, '-', '+', limit * 4, me)
  else
    p = redis.call('XPENDING', stream, group, 'IDLE', minIdle, '-', '+', limit * 4)
  end
  local taken = 0
  for _, e in ipairs(p) do
    if taken >= limit then
      break
    end
    local id, deliveries = e[1], tonumber(e[4])
    if not held[id] and not redis.call('ZSCORE', retry, id) then
      claim(id, deliveries, mode == 'own' and 0 or minIdle, e[2])
      taken = taken + 1
    end
  end
end
out[2] = trimmed
return out
